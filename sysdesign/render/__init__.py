"""Renderers: turn library objects into terminal tables, JSON, Markdown and mermaid."""
