# IPython kernel settings for executing the book's pages (`make book` and tests/book copy this
# file into a private IPYTHONDIR; students' and graders' kernels never read it).
#
# The kernels run on this machine only, over loopback TCP as jupyter_client starts them, so
# ipykernel's start-up warning about unencrypted TCP is noise in a build log where every other
# warning is an error. Only the kernel application's own log is quietened: warnings raised by the
# pages' code still reach the build as cell output.
c = get_config()  # type: ignore[name-defined]  # noqa: F821  (IPython injects get_config)
c.IPKernelApp.log_level = "ERROR"
