"""Projects API: task type, labels, and label import/export."""
