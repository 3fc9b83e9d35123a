"""The vault folder: every entry as a Markdown file, kept in step both ways (issue 15)."""
