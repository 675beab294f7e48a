#ifndef C_H
#define C_H
broken_t x;
#endif
