"""Sign-in, sessions and guards for the web app (domain side: ``casushub.platform.identity``)."""
