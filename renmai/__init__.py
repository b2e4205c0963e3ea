"""renmai (人脉): a knowledge graph of a city's overseas relationships and contacts."""

__version__ = "0.1.0"
