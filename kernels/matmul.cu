// matmul.cu: tiled shared-memory SGEMM (fp32 in, fp32 accumulate) for the three products of a
// Linear layer, with the epilogues that save separate passes:
//
//   forward          Y[m x n]  = X[m x k] . W[n x k]^T (+ bias[n]) (then ReLU)    matmul_forward
//   input gradient   dX[m x n] = dY[m x k] . W[k x n]  (then * (H > 0))           matmul_backward_input
//   weight gradient  dW[m x n] = dY[k x m]^T . X[k x n]                            matmul_backward_weight
//
// One tile routine serves all three: it reads A(i, p) = A[i * aRow + p * aCol] and
// B(p, j) = B[p * bRow + j * bCol], so each product is the same loop with different strides.
// A block computes a TILE x TILE tile of C with 256 threads, each thread a 2 x 2 sub-tile, staging
// TILE x TILE slices of A and B through shared memory. Bounds are checked on every load and store, so
// any m, n, k >= 1 works (batch not a multiple of the tile, 1-element tensors).
// The ReLU backward is the input-gradient epilogue: H is the ReLU output of the layer below, and
// PyTorch's threshold_backward passes the gradient only where H > 0.
#include "common.cuh"

#define TILE 32
#define MICRO 2                 // each thread computes MICRO x MICRO outputs
#define TILE_THREADS 256        // (TILE / MICRO)^2

__device__ inline void sgemm_tile(const float* __restrict__ A, int aRow, int aCol,
                                  const float* __restrict__ B, int bRow, int bCol,
                                  float* __restrict__ C, int m, int n, int k,
                                  const float* __restrict__ bias, int relu, const float* __restrict__ mask) {
    __shared__ float As[TILE][TILE + 1];  // As[p][i]; +1 avoids bank conflicts on the transposed reads
    __shared__ float Bs[TILE][TILE + 1];  // Bs[p][j]
    const int tid = threadIdx.x;
    const int tx = tid % (TILE / MICRO), ty = tid / (TILE / MICRO);
    const int row0 = blockIdx.y * TILE, col0 = blockIdx.x * TILE;
    float acc[MICRO][MICRO];
    for (int a = 0; a < MICRO; a++)
        for (int b = 0; b < MICRO; b++) acc[a][b] = 0.0f;

    for (int p0 = 0; p0 < k; p0 += TILE) {
        for (int e = tid; e < TILE * TILE; e += TILE_THREADS) {
            // consecutive threads walk the contiguous index of each operand where there is one
            int x = e % TILE, y = e / TILE;
            int ai = aCol == 1 ? y : x, ap = aCol == 1 ? x : y;  // A(row0 + ai, p0 + ap)
            int gi = row0 + ai, gp = p0 + ap;
            As[ap][ai] = (gi < m && gp < k) ? A[(long long)gi * aRow + (long long)gp * aCol] : 0.0f;
            int bj = bCol == 1 ? x : y, bp = bCol == 1 ? y : x;  // B(p0 + bp, col0 + bj)
            int gj = col0 + bj, gq = p0 + bp;
            Bs[bp][bj] = (gj < n && gq < k) ? B[(long long)gq * bRow + (long long)gj * bCol] : 0.0f;
        }
        __syncthreads();
        for (int p = 0; p < TILE; p++) {
            float a[MICRO], b[MICRO];
            for (int u = 0; u < MICRO; u++) a[u] = As[p][ty * MICRO + u];
            for (int v = 0; v < MICRO; v++) b[v] = Bs[p][tx * MICRO + v];
            for (int u = 0; u < MICRO; u++)
                for (int v = 0; v < MICRO; v++) acc[u][v] += a[u] * b[v];
        }
        __syncthreads();
    }

    for (int u = 0; u < MICRO; u++) {
        int i = row0 + ty * MICRO + u;
        if (i >= m) continue;
        for (int v = 0; v < MICRO; v++) {
            int j = col0 + tx * MICRO + v;
            if (j >= n) continue;
            float c = acc[u][v];
            if (bias != nullptr) c += bias[j];
            if (relu) c = c > 0.0f ? c : 0.0f;
            if (mask != nullptr && !(mask[(long long)i * n + j] > 0.0f)) c = 0.0f;
            C[(long long)i * n + j] = c;
        }
    }
}

/** Y = X W^T (+ bias when not null), then ReLU when relu != 0. Grid (ceil(n/TILE), ceil(m/TILE)), TILE_THREADS threads. */
extern "C" __global__ void __launch_bounds__(TILE_THREADS)
matmul_forward(const float* X, const float* W, const float* bias, float* Y, int m, int n, int k, int relu) {
    sgemm_tile(X, k, 1, W, 1, k, Y, m, n, k, bias, relu, nullptr);
}

/** dX = dY W, zeroed where H <= 0 when H != null (ReLU backward). Grid (ceil(n/TILE), ceil(m/TILE)). */
extern "C" __global__ void __launch_bounds__(TILE_THREADS)
matmul_backward_input(const float* dY, const float* W, const float* H, float* dX, int m, int n, int k) {
    sgemm_tile(dY, k, 1, W, n, 1, dX, m, n, k, nullptr, 0, H);
}

/** dW[m x n] = dY[k x m]^T X[k x n] (m = fanOut, n = fanIn, k = batch). Grid (ceil(n/TILE), ceil(m/TILE)). */
extern "C" __global__ void __launch_bounds__(TILE_THREADS)
matmul_backward_weight(const float* dY, const float* X, float* dW, int m, int n, int k) {
    sgemm_tile(dY, 1, m, X, n, 1, dW, m, n, k, nullptr, 0, nullptr);
}
