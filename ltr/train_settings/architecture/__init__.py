"""CFKD's architecture study: narrow ResNet-18 students (medium, small, tiny) trained like atom_cfkd."""
