"""The seed generator: a true world of customers, then each system's noisy view of it."""
