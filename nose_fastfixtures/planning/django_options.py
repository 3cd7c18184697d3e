"""``manage.py test``'s own options, meaning what they mean in Django, as ``nosetests`` arguments.

Pure: the test runner (nose_fastfixtures.runner) hands in the options Django parsed
(``DiscoverRunner``'s keyword arguments), ``settings.NOSE_ARGS``, the nose options
given on the command line and after ``--``, and the labels; this module returns
nose's argument list, or raises ValueError saying what to pass instead.

Precedence, as in django-nose: Django's ``-v`` first (so ``NOSE_ARGS`` may set nose's
own verbosity), then ``NOSE_ARGS`` (the project's defaults), then what the command
line says, Django's options before nose's; for nose, a later value of an option wins.
"""

# Django's default discovery pattern: nose finds test modules by its own --match regex,
# which takes test*.py, tests.py and the like; another pattern has no nose meaning.
DJANGO_PATTERN = "test*.py"


def nose_argv(options, nose_args=(), command_line=(), after_dashes=(), labels=(), shuffle_seed=None):
    """nose's arguments (no program name) for ``manage.py test`` with *options*.

    *options*: DiscoverRunner's keyword arguments as Django's parser gives them
    (``parallel`` already a number: Django's command turns ``auto`` into the core count).
    *shuffle_seed*: the seed to use for ``--shuffle`` given without one (the caller draws it).
    """
    refuse_unsupported(options)
    argv = ["--with-django", f"--verbosity={options.get('verbosity', 1)}", *nose_args]
    argv += django_options_for_nose(options, shuffle_seed)
    return [*argv, *command_line, *after_dashes, *labels]


def django_options_for_nose(options, shuffle_seed=None):
    """The nose arguments for Django's options that were given (in Django's order)."""
    argv = []
    if options.get("failfast"):
        argv.append("--stop")
    if options.get("keepdb"):
        argv.append("--with-reuse-db")
    shuffle = options.get("shuffle", False)
    if shuffle is not False:  # None: --shuffle without a seed
        seed = shuffle if shuffle is not None else shuffle_seed
        if seed is None:
            raise ValueError("--shuffle without a seed needs one drawn by the caller")
        argv.append(f"--django-shuffle={seed}")
    if options.get("debug_mode"):
        argv.append("--django-debug-mode")
    if options.get("debug_sql"):
        argv.append("--django-debug-sql")
    parallel = options.get("parallel") or 0
    if parallel > 0:  # 0: not given; 1, given, is serial even when NOSE_ARGS says --processes
        argv.append(f"--processes={parallel}")
    argv += [f"--django-tag={tag}" for tag in options.get("tags") or ()]
    argv += [f"--django-exclude-tag={tag}" for tag in options.get("exclude_tags") or ()]
    if options.get("pdb"):
        argv += ["--pdb", "--pdb-failures"]  # Django's --pdb: on an error or a failure
    if options.get("buffer"):
        argv.append("--capture-output")
    argv += [f"--django-name-pattern={pattern}" for pattern in options.get("test_name_patterns") or ()]
    if options.get("durations") is not None:
        argv.append(f"--django-durations={options['durations']}")
    return argv


def refuse_unsupported(options):
    """Django options whose meaning nose cannot keep: ValueError saying what to pass instead."""
    if options.get("pdb") and (options.get("parallel") or 0) > 1:
        # Django's own message, word for word.
        raise ValueError("You cannot use --pdb with parallel tests; pass --parallel=1 to use it.")
    if options.get("reverse"):
        raise ValueError("--reverse is not supported by nose_fastfixtures' runner; "
                         "--shuffle=SEED gives another order that can be repeated")
    if options.get("pattern") not in (None, DJANGO_PATTERN):
        raise ValueError(f"--pattern {options['pattern']!r} has no meaning under nose, which finds test "
                         f"modules by a regular expression: pass -- --match=REGEX instead")
    if options.get("top_level"):
        raise ValueError(f"--top-level-directory {options['top_level']!r} has no meaning under nose: "
                         f"pass -- --where=DIRECTORY instead")



def timing_lines(totals):
    """``--timing``: Django's runner's own lines from the run's phase totals (seconds per
    timeline kind); Django's command then adds "Total run took". Cloning for parallel
    workers is part of Django's database setup."""
    setup = totals.get("db-setup", 0.0) + totals.get("db-clone", 0.0)
    return [f"Total database setup took {setup:.3f}s",
            f"Total database teardown took {totals.get('db-teardown', 0.0):.3f}s"]
