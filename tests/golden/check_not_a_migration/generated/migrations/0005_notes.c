/* Notes about the schema. */
int notes;
