"""Operations above the platform's parts: the `acusight` command line and the local process supervision.

It may import ``webapp``, ``flows``, ``clients`` and ``pipelines``; none of them imports it.
"""
