// gather.cu: assemble one training batch on the device.
//
// The whole training split lives on the device (uploaded once); each epoch the host uploads one
// permutation of its row indices. A step then only names its offset into that permutation: this
// kernel copies rows perm[offset .. offset+rows) of X and of the labels into contiguous batch buffers.
// It is the first kernel of every training step, so it also zeroes the step's loss/correct counters
// (read back by lastLoss()); that saves a memset launch per step.
#include "common.cuh"

/**
 * xb[r][f] = X[perm[offset + r]][f], yb[r] = labels[perm[offset + r]] for r < rows, f < features.
 * Grid: ceil(rows * features / ANNEAL_BLOCK) blocks of ANNEAL_BLOCK threads, one float per thread.
 * stepStats (2 doubles: loss, correct) is zeroed by thread 0 of block 0.
 */
extern "C" __global__ void gather_batch(const float* __restrict__ X, const unsigned char* __restrict__ labels,
                                        const int* __restrict__ perm, int offset, int rows, int features,
                                        float* __restrict__ xb, unsigned char* __restrict__ yb,
                                        double* __restrict__ stepStats) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i == 0 && stepStats != nullptr) {
        stepStats[0] = 0.0;
        stepStats[1] = 0.0;
    }
    if (i >= (long long)rows * features) return;
    int r = (int)(i / features), f = (int)(i % features);
    int src = perm[offset + r];
    xb[i] = X[(long long)src * features + f];
    if (f == 0) yb[r] = labels[src];
}
