"""HTTP surface: middleware, error rendering, dependencies and router assembly."""
