"""What a task is across notes: identity, routines, recurrence. Imports only settings and parse."""
