"""Shared text rules (negation scope, degree and contrast words) for the qualitative helpers."""
