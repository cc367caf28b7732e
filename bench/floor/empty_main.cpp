// The start-up floor for `adjust --info`: a program that does nothing, linked
// (with --no-as-needed) against the same shared libraries as adjust, so the
// dynamic loader does the same work. bench/whole_program.py times it.
int main() { return 0; }
