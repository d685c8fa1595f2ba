"""The social domain: who follows whom, and how many follow each user."""
