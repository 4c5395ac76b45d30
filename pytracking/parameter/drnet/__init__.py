"""Parameter files of the DRNet tracker."""
