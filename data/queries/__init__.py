"""Named read queries for the pages: companies (lists, filters, audit log), evidence (Supplier
transparency, Factory improvement), contracts (confidential: every query takes a `Viewer`),
what changed for an affiliate, and expectations."""
