"""Documents on the case record: typed, confidential by class, versioned, stored through the
`documents` storage (disk or S3-compatible), checked by content and scanned before anyone sees them."""
