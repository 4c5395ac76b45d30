"""Parameter files of the ATOM tracker."""
