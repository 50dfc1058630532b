"""Renderers: one module per output format; they only format results, never compute them."""
