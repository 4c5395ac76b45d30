"""Packaging for the efficient-tracking framework (packages ``ltr`` and ``pytracking``)."""
from setuptools import find_packages, setup

setup(
    name="efficient-tracking",
    version="0.1.0",
    description="PyTracking-style framework for training, compressing and evaluating visual object trackers",
    python_requires=">=3.9",
    packages=find_packages(include=["ltr", "ltr.*", "pytracking", "pytracking.*"]),
    package_data={"pytracking": ["notebooks/*.ipynb"],
                  "ltr": ["data_specs/*.txt"]},
    install_requires=[
        "torch",
        "torchvision",
        "numpy",
        "opencv-python-headless",
        "tensorboard",
        "tqdm",
        "pandas",
        "matplotlib",
    ],
    extras_require={
        "test": ["pytest", "pytest-timeout", "nbclient", "nbformat", "ipykernel"],
        "fast_jpeg": ["jpeg4py"],
        "visdom": ["visdom"],
        "benchmark": ["opencv-contrib-python-headless"],
    },
)
