"""The ``hwkg`` command line: :mod:`main` registers one subcommand per module
(``validate``, ``serve``, ``query``, ``export``, ``load``, ``importer`` for ``hwkg import``,
``probe``).

Top layer: may import every package.
"""
