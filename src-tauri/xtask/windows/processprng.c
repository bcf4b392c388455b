/*
 * bcryptprimitives.dll for the Wine test prefix only, never shipped.
 *
 * Rust's standard library gets its random bytes from ProcessPrng in bcryptprimitives.dll,
 * which Windows 10 and 11 have and Debian 12's Wine 8.0 lacks: without it a Rust program for
 * x86_64-pc-windows-gnu does not start under Wine. This stands in with RtlGenRandom
 * (advapi32's SystemFunction036), which that Wine has. `cargo xtask` builds it with mingw and
 * puts it in the prefix's system folder.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    /* RtlGenRandom takes a 32-bit length: ask for large buffers in pieces. */
    while (length > 0) {
        ULONG piece = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, piece))
            return FALSE;
        data += piece;
        length -= piece;
    }
    return TRUE;
}
