"""The PostgreSQL event log: its recorder, the loop-side log and the append listener."""
