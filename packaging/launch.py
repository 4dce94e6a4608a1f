"""Entry point of the desktop bundle's one executable, ``semvec-studio``.

No arguments or FILEs: the desktop app. A ``semvec`` subcommand first (``semvec-studio extract
...``): the command line. ``--self-test``: the headless installation check. See
:func:`semvec_studio.launch.main`.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()  # joblib/loky workers re-run this executable
    from semvec_studio.launch import entry

    entry()
