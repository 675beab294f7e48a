/*
 * modelgen: the command line. Parses arguments and runs one command; each
 * command is a pipeline of the stages in this folder.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("modelgen %s\n", MG_VERSION);
		return 0;
	}
	fputs("modelgen: not implemented yet\n", stderr);
	return 2;
}
