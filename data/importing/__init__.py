"""Importing evidence from CSV and Excel files, all or nothing: the importer (plan, checks, score
impact, apply, audit), the checks that need no database (validate) and the import templates."""
