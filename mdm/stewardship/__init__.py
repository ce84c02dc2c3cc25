"""The data steward workbench at /steward: server-rendered pages over the steward services."""
