// linear.cu: kernel variant 2 of a Linear layer's three products (variant 1: matmul.cu + gather.cu +
// bias_grad.cu, kept, still timed by gpu-check), with the folds that bring a 784-256-10 training step to
// 5 launches (variant 1: 10):
//
//   linear_forward          Y[m x n]  = A[m x k] . W[n x k]^T + bias, ReLU; A's rows gathered through the
//                           epoch permutation (the batch gather folded into the A-load); the step's first
//                           kernel also zeroes the step counters and publishes the batch offset to device memory
//   linear_backward_input   dX[m x n] = dY[m x k] . W[k x n], zeroed where H <= 0 (ReLU backward)
//   linear_backward_weight  dW[m x n] = dY[k x m]^T . X[k x n] and db[m] = column sums of dY (bias gradient
//                           folded in); X's rows gathered through the permutation for the first layer
//   linear_softmax_xent     the last layer (few classes) fused with softmax + cross-entropy + its gradient
//                           and with the input gradient of that layer (in linear_xent.cu)
//
// The SGEMM is register-tiled: a block of RT_THREADS threads computes an RT_BM x RT_BN tile of C, each
// thread RT_MICRO x RT_MICRO outputs from float4 reads of shared memory; the operands are staged
// RT_BK deep with float4 global loads where the operand is contiguous, 16-byte aligned and the quad is
// in bounds (scalar, bounds-checked loads otherwise, so any m, n, k >= 1 works). Split-K: when the tile
// grid alone would leave most SMs idle, the host (anneal.backend.cuda.Kernels) splits k into gridDim.z
// chunks of kChunk (a multiple of RT_BK); each chunk writes its partial tile to a workspace, and the last
// chunk to finish a tile (an atomic counter per tile) adds the partials in chunk order (deterministic),
// applies the epilogue and resets the counter for the next launch.
#include "common.cuh"

#define RT_BM 64
#define RT_BN 64
#define RT_BK 16
#define RT_MICRO 4
#define RT_THREADS 256          // (RT_BM / RT_MICRO) * (RT_BN / RT_MICRO)
#define RT_SPLIT_TARGET 132     // blocks a split-K launch aims for: the SMs of an H200
#define RT_SPLIT_MIN_K 32       // the smallest k chunk worth a block (two RT_BK steps)
#define RT_PARTIAL (RT_BM * RT_BN + RT_BM)  // workspace floats per (tile, chunk): the tile and a bias partial

/** One operand, element (x, p) with x the output row (A) or column (B) index and p the reduction index. */
struct RtOperand {
    const float* base;
    long long xStride, pStride;
    const int* gatherX;  // when not null, x is replaced by gatherX[x] (rows of X through the permutation)
    const int* gatherP;  // when not null, p is replaced by gatherP[p]
    int extent;          // number of valid x
};

__device__ inline float rt_at(const RtOperand& o, int x, int p) {
    long long gx = o.gatherX != nullptr ? o.gatherX[x] : x;
    long long gp = o.gatherP != nullptr ? o.gatherP[p] : p;
    return o.base[gx * o.xStride + gp * o.pStride];
}

/**
 * Loads the RT_BK x 64 slice [p0, p0 + RT_BK) x [x0, x0 + 64) of operand o into S[p][x] (zero outside
 * [0, extent) x [0, kEnd)). Each of the 256 threads loads 4 elements: a float4 along the contiguous index when
 * vec says the operand allows it, else 4 scalars.
 */
__device__ inline void rt_stage(const RtOperand& o, bool vec, int x0, int p0, int kEnd, float (*S)[RT_BM]) {
    const int t = threadIdx.x;
    if (o.pStride == 1) {  // contiguous along p: a thread takes 4 consecutive p of one x
        const int x = t / (RT_BK / 4), p = (t % (RT_BK / 4)) * 4;
        const int gx = x0 + x, gp = p0 + p;
        float v[4];
        if (vec && gx < o.extent && gp + 3 < kEnd) {
            long long row = o.gatherX != nullptr ? o.gatherX[gx] : gx;
            float4 q = *reinterpret_cast<const float4*>(o.base + row * o.xStride + gp);
            v[0] = q.x; v[1] = q.y; v[2] = q.z; v[3] = q.w;
        } else {
            for (int e = 0; e < 4; e++) v[e] = (gx < o.extent && gp + e < kEnd) ? rt_at(o, gx, gp + e) : 0.0f;
        }
        for (int e = 0; e < 4; e++) S[p + e][x] = v[e];
    } else {  // contiguous along x (xStride == 1): a thread takes 4 consecutive x of one p
        const int p = t / (RT_BM / 4), x = (t % (RT_BM / 4)) * 4;
        const int gx = x0 + x, gp = p0 + p;
        float4 q;
        if (vec && gx + 3 < o.extent && gp < kEnd) {
            long long prow = o.gatherP != nullptr ? o.gatherP[gp] : gp;
            q = *reinterpret_cast<const float4*>(o.base + prow * o.pStride + gx);
        } else {
            q.x = (gx + 0 < o.extent && gp < kEnd) ? rt_at(o, gx + 0, gp) : 0.0f;
            q.y = (gx + 1 < o.extent && gp < kEnd) ? rt_at(o, gx + 1, gp) : 0.0f;
            q.z = (gx + 2 < o.extent && gp < kEnd) ? rt_at(o, gx + 2, gp) : 0.0f;
            q.w = (gx + 3 < o.extent && gp < kEnd) ? rt_at(o, gx + 3, gp) : 0.0f;
        }
        *reinterpret_cast<float4*>(&S[p][x]) = q;
    }
}

/** Whether float4 loads are safe for o: a 16-byte aligned base and row starts (the other stride a multiple of 4). */
__device__ inline bool rt_vectorisable(const RtOperand& o) {
    long long other = o.pStride == 1 ? o.xStride : o.pStride;
    return (reinterpret_cast<unsigned long long>(o.base) & 15ull) == 0 && other % 4 == 0 && (o.pStride == 1 || o.xStride == 1);
}

enum RtEpilogue { RT_BIAS_RELU = 0, RT_RELU_MASK = 1, RT_WEIGHT_GRAD = 2 };

/**
 * C[m x n] (row-major, ldc = n) = sum_p A(i, p) B(j, p) over this block's k chunk, then the epilogue:
 *   RT_BIAS_RELU    + vec[j] (when not null), ReLU when flag
 *   RT_RELU_MASK    zero where vec[i * n + j] <= 0 (vec = H, when not null)
 *   RT_WEIGHT_GRAD  and, in the blocks of column tile 0, out2[i] = sum_p A(i, p) (when out2 not null)
 * Grid (ceil(n / RT_BN), ceil(m / RT_BM), chunks); chunks > 1 needs ws (chunks * tiles * RT_PARTIAL floats)
 * and counters (one int per tile, zero before the first launch).
 */
template <int Epilogue>
__device__ inline void rt_sgemm(const RtOperand& A, const RtOperand& B, float* __restrict__ C, int m, int n, int k,
                                int kChunk, const float* __restrict__ vec, int flag, float* __restrict__ out2,
                                float* __restrict__ ws, int* __restrict__ counters) {
    alignas(16) __shared__ float As[RT_BK][RT_BM];
    alignas(16) __shared__ float Bs[RT_BK][RT_BN];
    __shared__ int lastChunk;
    const int tid = threadIdx.x, tx = tid % (RT_BN / RT_MICRO), ty = tid / (RT_BN / RT_MICRO);
    const int row0 = blockIdx.y * RT_BM, col0 = blockIdx.x * RT_BN;
    const int kBegin = blockIdx.z * kChunk, kEnd = imin(k, kBegin + kChunk);
    const bool vecA = rt_vectorisable(A), vecB = rt_vectorisable(B);
    const bool biasRows = Epilogue == RT_WEIGHT_GRAD && out2 != nullptr && blockIdx.x == 0;
    float acc[RT_MICRO][RT_MICRO];
    for (int u = 0; u < RT_MICRO; u++)
        for (int v = 0; v < RT_MICRO; v++) acc[u][v] = 0.0f;
    float rowSum = 0.0f;  // thread tid < RT_BM: sum over p of A(row0 + tid, p), for the bias gradient

    for (int p0 = kBegin; p0 < kEnd; p0 += RT_BK) {
        rt_stage(A, vecA, row0, p0, kEnd, As);
        rt_stage(B, vecB, col0, p0, kEnd, Bs);
        __syncthreads();
        if (biasRows && tid < RT_BM)
            for (int p = 0; p < RT_BK; p++) rowSum += As[p][tid];
        for (int p = 0; p < RT_BK; p++) {
            const float4 a = *reinterpret_cast<const float4*>(&As[p][ty * RT_MICRO]);
            const float4 b = *reinterpret_cast<const float4*>(&Bs[p][tx * RT_MICRO]);
            const float av[RT_MICRO] = {a.x, a.y, a.z, a.w}, bv[RT_MICRO] = {b.x, b.y, b.z, b.w};
            for (int u = 0; u < RT_MICRO; u++)
                for (int v = 0; v < RT_MICRO; v++) acc[u][v] += av[u] * bv[v];
        }
        __syncthreads();
    }

    if (gridDim.z > 1) {  // split-K: publish this chunk's partial; the last chunk of the tile adds them up
        const int tile = blockIdx.y * gridDim.x + blockIdx.x, tiles = gridDim.x * gridDim.y;
        float* mine = ws + ((long long)blockIdx.z * tiles + tile) * RT_PARTIAL;
        for (int u = 0; u < RT_MICRO; u++)
            for (int v = 0; v < RT_MICRO; v++) mine[(ty * RT_MICRO + u) * RT_BN + tx * RT_MICRO + v] = acc[u][v];
        if (biasRows && tid < RT_BM) mine[RT_BM * RT_BN + tid] = rowSum;
        __threadfence();
        __syncthreads();
        if (tid == 0) lastChunk = atomicAdd(&counters[tile], 1) == (int)gridDim.z - 1;
        __syncthreads();
        if (!lastChunk) return;
        __threadfence();
        for (int u = 0; u < RT_MICRO; u++)
            for (int v = 0; v < RT_MICRO; v++) acc[u][v] = 0.0f;
        rowSum = 0.0f;
        for (unsigned z = 0; z < gridDim.z; z++) {  // chunk order: the same sum whichever chunk finished last
            const float* part = ws + ((long long)z * tiles + tile) * RT_PARTIAL;
            for (int u = 0; u < RT_MICRO; u++)
                for (int v = 0; v < RT_MICRO; v++) acc[u][v] += __ldcg(part + (ty * RT_MICRO + u) * RT_BN + tx * RT_MICRO + v);
            if (biasRows && tid < RT_BM) rowSum += __ldcg(part + RT_BM * RT_BN + tid);
        }
        if (tid == 0) counters[tile] = 0;  // ready for the next launch (kernels on one stream never overlap)
    }

    if (biasRows && tid < RT_BM && row0 + tid < m) out2[row0 + tid] = rowSum;
    for (int u = 0; u < RT_MICRO; u++) {
        const int i = row0 + ty * RT_MICRO + u;
        if (i >= m) continue;
        for (int v = 0; v < RT_MICRO; v++) {
            const int j = col0 + tx * RT_MICRO + v;
            if (j >= n) continue;
            float c = acc[u][v];
            if (Epilogue == RT_BIAS_RELU) {
                if (vec != nullptr) c += vec[j];
                if (flag) c = c > 0.0f ? c : 0.0f;
            } else if (Epilogue == RT_RELU_MASK) {
                if (vec != nullptr && !(vec[(long long)i * n + j] > 0.0f)) c = 0.0f;
            }
            C[(long long)i * n + j] = c;
        }
    }
}

/**
 * Y[m x n] = A W^T + bias (when not null), then ReLU when relu != 0; row i of A is X[perm[offset + i]] when perm
 * is not null, else X[i] (X has k columns). Block (0, 0, 0) zeroes stepStats (2 doubles: the step's loss and
 * correct count) and writes offset to *stepOffset, when they are not null: later kernels of the step read the
 * offset there. Grid (ceil(n / RT_BM), ceil(m / RT_BM), chunks) of RT_THREADS threads.
 */
extern "C" __global__ void __launch_bounds__(RT_THREADS)
linear_forward(const float* X, const int* perm, int offset, const float* W, const float* bias, float* Y, int m, int n, int k,
               int relu, int kChunk, float* ws, int* counters, double* stepStats, int* stepOffset) {
    if (blockIdx.x == 0 && blockIdx.y == 0 && blockIdx.z == 0 && threadIdx.x == 0) {
        if (stepStats != nullptr) {
            stepStats[0] = 0.0;
            stepStats[1] = 0.0;
        }
        if (stepOffset != nullptr) *stepOffset = offset;
    }
    const RtOperand A{X, k, 1, perm != nullptr ? perm + offset : nullptr, nullptr, m};
    const RtOperand B{W, k, 1, nullptr, nullptr, n};
    rt_sgemm<RT_BIAS_RELU>(A, B, Y, m, n, k, kChunk, bias, relu, nullptr, ws, counters);
}

/** dX[m x n] = dY[m x k] W[k x n], zeroed where H <= 0 when H is not null. Grid as linear_forward. */
extern "C" __global__ void __launch_bounds__(RT_THREADS)
linear_backward_input(const float* dY, const float* W, const float* H, float* dX, int m, int n, int k, int kChunk, float* ws,
                      int* counters) {
    const RtOperand A{dY, k, 1, nullptr, nullptr, m};
    const RtOperand B{W, 1, n, nullptr, nullptr, n};
    rt_sgemm<RT_RELU_MASK>(A, B, dX, m, n, k, kChunk, H, 0, nullptr, ws, counters);
}

/**
 * dW[m x n] = dY[k x m]^T X'[k x n] and db[i] = sum_p dY[p][i] (when db is not null), where row p of X' is
 * X[perm[*permOffset + p]] when perm is not null (the first layer's gathered batch), else X[p].
 * Grid as linear_forward.
 */
extern "C" __global__ void __launch_bounds__(RT_THREADS)
linear_backward_weight(const float* dY, const float* X, const int* perm, const int* permOffset, float* dW, float* db, int m,
                       int n, int k, int kChunk, float* ws, int* counters) {
    const RtOperand A{dY, 1, m, nullptr, nullptr, m};
    const RtOperand B{X, 1, n, nullptr, perm != nullptr ? perm + *permOffset : nullptr, n};
    rt_sgemm<RT_WEIGHT_GRAD>(A, B, dW, m, n, k, kChunk, nullptr, 0, db, ws, counters);
}
