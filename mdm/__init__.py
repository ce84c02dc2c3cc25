"""The master data management hub: golden customers, contracts and projects across systems."""

__version__ = "0.1.0"
