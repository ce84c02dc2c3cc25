"""Test helpers shared by every test folder: databases, apps, servers."""
