"""Tests of the seed generator and the committed seed files."""
