"""The nose plugins of nose_fastfixtures, registered through the ``nose.plugins.0.10`` entry point."""
