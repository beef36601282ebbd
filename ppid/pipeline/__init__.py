"""The one path from a harvested or uploaded item to a published dataset."""
