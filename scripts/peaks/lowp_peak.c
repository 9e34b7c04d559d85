/* The bf16 and int8 dot-product peaks beside fp32 FMA: independent AVX-512 chains per thread of
   VFMADD (fp32: 16 multiply-adds), VDPBF16PS (bf16: 32 multiply-adds into fp32) and VPDPBUSD (u8 x s8: 64
   multiply-adds into int32), counted as 2 operations per multiply-add, as for convolutions.
   Build: gcc -O2 -mavx512f -mavx512bf16 -mavx512vnni -fopenmp scripts/peaks/lowp_peak.c -o lowp_peak
   Run:   ./lowp_peak [threads]                                                                       */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#define ITERS 2000000000L
#define CHAINS 12

static float fp32(void) {
  __m512 a[CHAINS], m = _mm512_set1_ps(1.0000001f), c = _mm512_set1_ps(1e-7f);
  for (int i = 0; i < CHAINS; i++) a[i] = _mm512_set1_ps((float)i);
  for (long k = 0; k < ITERS / CHAINS; k++) {
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) a[i] = _mm512_fmadd_ps(a[i], m, c);
  }
  float s = 0; for (int i = 0; i < CHAINS; i++) s += _mm512_reduce_add_ps(a[i]);
  return s;
}

static float bf16(void) {
  __m512 a[CHAINS];
  __m512bh x = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-3f), _mm512_set1_ps(2e-3f));
  for (int i = 0; i < CHAINS; i++) a[i] = _mm512_set1_ps((float)i);
  for (long k = 0; k < ITERS / CHAINS; k++) {
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) a[i] = _mm512_dpbf16_ps(a[i], x, x);
  }
  float s = 0; for (int i = 0; i < CHAINS; i++) s += _mm512_reduce_add_ps(a[i]);
  return s;
}

static float int8(void) {
  __m512i a[CHAINS], u = _mm512_set1_epi8(3), w = _mm512_set1_epi8(-2);
  for (int i = 0; i < CHAINS; i++) a[i] = _mm512_set1_epi32(i);
  for (long k = 0; k < ITERS / CHAINS; k++) {
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) a[i] = _mm512_dpbusd_epi32(a[i], u, w);
  }
  int s = 0; for (int i = 0; i < CHAINS; i++) s += _mm512_reduce_add_epi32(a[i]);
  return (float)s;
}

static void measure(const char *name, float (*kernel)(void), double opsPerInstruction, int threads) {
  double start = omp_get_wtime(), sink = 0;
#pragma omp parallel num_threads(threads) reduction(+:sink)
  sink += kernel();
  double seconds = omp_get_wtime() - start;
  printf("%-5s %d thread(s): %8.1f GOP/s  (sink %g)\n", name, threads,
         opsPerInstruction * (double)(ITERS / CHAINS * CHAINS) * threads / seconds / 1e9, sink);
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  measure("fp32", fp32, 32, threads);
  measure("bf16", bf16, 64, threads);
  measure("int8", int8, 128, threads);
  return 0;
}
