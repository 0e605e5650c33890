"""Training schedules API: cut a dataset version and train on a cron or interval."""
