"""Packaging for the efficient-tracking framework (packages ``ltr`` and ``pytracking``)."""
from setuptools import find_packages, setup

# vot-toolkit 0.9.0's requirements without opencv-python (it would replace opencv-python-headless); install.sh
# installs vot-toolkit itself with --no-deps. attributee 0.1.10 does not import on Python >= 3.11.
VOT_TOOLKIT_REQUIRES = [
    "vot-trax>=4.0.1", "attributee>=0.1.8,<0.1.10", "phx-class-registry>=5.0", "lazy-object-proxy>=1.9",
    "bidict>=0.19", "cachetools>=4.1", "colorama>=0.4.3", "dominate>=2.5", "jsonschema>=3.2", "numba>=0.47",
    "pylatex>=1.3", "pyYAML>=5.3", "requests>=2.22", "six", "packaging>=20",
]

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
        "pillow",
    ],
    extras_require={
        "test": ["pytest", "pytest-timeout", "nbclient", "nbformat", "ipykernel", *VOT_TOOLKIT_REQUIRES],
        "vot": ["vot-trax>=4.0.1"],
        "notebook": ["notebook", "ipykernel"],
        "fast_jpeg": ["jpeg4py"],
        "visdom": ["visdom"],
        "benchmark": ["opencv-contrib-python-headless"],
    },
)
