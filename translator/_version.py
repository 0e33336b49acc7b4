"""The package version, in a module of its own: modules inside the package import it from
here, never from the package root (which imports them), and pyproject.toml reads it too."""

__version__ = "0.1.0"
