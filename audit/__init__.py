"""The audit log. Import `record` from audit.records (models load after app configs)."""
