/* Test-only stand-in for Windows' bcryptprimitives.dll, which Wine 8 lacks and Rust's std
 * imports (ProcessPrng, its random source on Windows 10+). Built by setup.sh with mingw and
 * copied next to the addon in the Wine test directory only: it is never shipped.
 * It draws from advapi32's RtlGenRandom (SystemFunction036), which Wine implements. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, chunk)) return FALSE;
		data += chunk;
		len -= chunk;
	}
	return TRUE;
}
