"""Helpers shared by the trackers: network loading and devices, image samples, augmentation."""
