"""The officer's workspace: what needs each officer today, across every role they hold."""
