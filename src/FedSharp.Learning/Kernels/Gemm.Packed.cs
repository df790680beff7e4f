using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FedSharp.Learning.Kernels;

public static partial class Gemm
{
    // Depth of one packed block: an 8×256 A micro-panel (8 KB) and the 256×32 B micro-panel it meets (32 KB) are
    // the working set of one microkernel call, streamed from L1 and L2.
    private const int DepthBlock = 256;

    // Rows of A packed at once (96 KB at full depth): sized to stay resident in the 1 MB L2 while B panels stream.
    private const int RowBlock = 96;

    // Columns of B packed at once: bounds the packed B block (2 MB at full depth) for very wide im2col matrices.
    private const int ColumnBlock = 2048;

    // Up to this many rows of C, an untransposed B is read in place rather than packed: each of its rows then meets
    // few enough A micro-panels that copying it costs more than the strided reads. Measured on Zen 4: with 512-bit
    // panels in-place reads win up to 256³; with 256-bit panels packing wins beyond about 128 rows.
    private const int InPlaceBMaxRows512 = 256;
    private const int InPlaceBMaxRows256 = 128;

    /// <summary>
    /// Rows of C per microkernel call and of a packed A micro-panel. With two vectors per row, 8 rows keep 16 zmm
    /// accumulators live (of 32 registers) and 6 rows keep 12 ymm accumulators (of 16), at least twice the FMA
    /// latency (4 cycles) times its issue rate, so the FMA pipes never wait on a result.
    /// </summary>
    internal static int MicroRows => Vector512.IsHardwareAccelerated ? PanelRows512 : PanelRows256;

    /// <summary>Columns of C per microkernel call: two vectors of the active width.</summary>
    internal static int MicroColumns => Vector512.IsHardwareAccelerated ? 2 * Vector512<float>.Count : 2 * Vector256<float>.Count;

    private static unsafe void MultiplyPacked(
        bool transposeA, bool transposeB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        int nr = MicroColumns;
        bool inPlaceB = !transposeB && m <= (Vector512.IsHardwareAccelerated ? InPlaceBMaxRows512 : InPlaceBMaxRows256);

        // Split k into equal blocks rather than full ones plus a sliver, so every block keeps the FMA pipes busy.
        int depthBlocks = (k + DepthBlock - 1) / DepthBlock;
        int kcMax = (k + depthBlocks - 1) / depthBlocks;
        int ncMax = RoundUp(Math.Min(n, ColumnBlock), nr);
        int mcMax = RoundUp(Math.Min(m, RowBlock), MicroRows);

        GemmScratch scratch = GemmScratch.Current;
        float* packedA = scratch.PackedA(mcMax * kcMax);
        float* packedB = scratch.PackedB((inPlaceB ? nr : ncMax) * kcMax);

        // Tiles narrower than nr are computed whole into this tile and only their valid part is merged into C.
        float* tile = stackalloc float[PanelRows512 * 2 * 16];
        int mr = MicroRows;

        for (int jc = 0; jc < n; jc += ColumnBlock)
        {
            int nc = Math.Min(ColumnBlock, n - jc);
            int fullColumns = nc - nc % nr;
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                float blockBeta = pc == 0 ? beta : 1f;
                if (!inPlaceB)
                {
                    PackB(transposeB, b, ldb, pc, kc, jc, nc, packedB, nr);
                }
                else if (fullColumns < nc)
                {
                    PackB(transposeB: false, b, ldb, pc, kc, jc + fullColumns, nc - fullColumns, packedB, nr);
                }

                for (int ic = 0; ic < m; ic += RowBlock)
                {
                    int mc = Math.Min(RowBlock, m - ic);
                    PackA(transposeA, a, lda, ic, mc, pc, kc, packedA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        float* bPanel;
                        nint bStride;
                        if (!inPlaceB)
                        {
                            bPanel = packedB + (nint)jr * kc;
                            bStride = nr;
                        }
                        else if (cols == nr)
                        {
                            bPanel = b + (nint)pc * ldb + jc + jr;
                            bStride = ldb;
                        }
                        else
                        {
                            bPanel = packedB;
                            bStride = nr;
                        }

                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            float* aPanel = packedA + (nint)ir * kc;
                            float* cTile = c + (nint)(ic + ir) * ldc + jc + jr;
                            if (cols == nr)
                            {
                                Microkernel(rows, kc, aPanel, bPanel, bStride, cTile, ldc, blockBeta);
                            }
                            else
                            {
                                if (2 * cols <= nr)
                                {
                                    NarrowMicrokernel(rows, kc, aPanel, bPanel, bStride, tile, nr);
                                }
                                else
                                {
                                    Microkernel(rows, kc, aPanel, bPanel, bStride, tile, nr, 0f);
                                }

                                MergeTile(tile, nr, rows, cols, cTile, ldc, blockBeta);
                            }
                        }
                    }
                }
            }
        }
    }

    private static unsafe void Microkernel(int rows, int kc, float* a, float* b, nint bStride, float* c, nint ldc, float beta)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            switch (rows)
            {
                case 8: Microkernel512<Rows8>(kc, a, b, bStride, c, ldc, beta); break;
                case 7: Microkernel512<Rows7>(kc, a, b, bStride, c, ldc, beta); break;
                case 6: Microkernel512<Rows6>(kc, a, b, bStride, c, ldc, beta); break;
                case 5: Microkernel512<Rows5>(kc, a, b, bStride, c, ldc, beta); break;
                case 4: Microkernel512<Rows4>(kc, a, b, bStride, c, ldc, beta); break;
                case 3: Microkernel512<Rows3>(kc, a, b, bStride, c, ldc, beta); break;
                case 2: Microkernel512<Rows2>(kc, a, b, bStride, c, ldc, beta); break;
                default: Microkernel512<Rows1>(kc, a, b, bStride, c, ldc, beta); break;
            }
        }
        else
        {
            switch (rows)
            {
                case 6: Microkernel256<Rows6>(kc, a, b, bStride, c, ldc, beta); break;
                case 5: Microkernel256<Rows5>(kc, a, b, bStride, c, ldc, beta); break;
                case 4: Microkernel256<Rows4>(kc, a, b, bStride, c, ldc, beta); break;
                case 3: Microkernel256<Rows3>(kc, a, b, bStride, c, ldc, beta); break;
                case 2: Microkernel256<Rows2>(kc, a, b, bStride, c, ldc, beta); break;
                default: Microkernel256<Rows1>(kc, a, b, bStride, c, ldc, beta); break;
            }
        }
    }

    private static unsafe void NarrowMicrokernel(int rows, int kc, float* a, float* b, nint bStride, float* c, nint ldc)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            switch (rows)
            {
                case 8: NarrowMicrokernel512<Rows8>(kc, a, b, bStride, c, ldc); break;
                case 7: NarrowMicrokernel512<Rows7>(kc, a, b, bStride, c, ldc); break;
                case 6: NarrowMicrokernel512<Rows6>(kc, a, b, bStride, c, ldc); break;
                case 5: NarrowMicrokernel512<Rows5>(kc, a, b, bStride, c, ldc); break;
                case 4: NarrowMicrokernel512<Rows4>(kc, a, b, bStride, c, ldc); break;
                case 3: NarrowMicrokernel512<Rows3>(kc, a, b, bStride, c, ldc); break;
                case 2: NarrowMicrokernel512<Rows2>(kc, a, b, bStride, c, ldc); break;
                default: NarrowMicrokernel512<Rows1>(kc, a, b, bStride, c, ldc); break;
            }
        }
        else
        {
            switch (rows)
            {
                case 6: NarrowMicrokernel256<Rows6>(kc, a, b, bStride, c, ldc); break;
                case 5: NarrowMicrokernel256<Rows5>(kc, a, b, bStride, c, ldc); break;
                case 4: NarrowMicrokernel256<Rows4>(kc, a, b, bStride, c, ldc); break;
                case 3: NarrowMicrokernel256<Rows3>(kc, a, b, bStride, c, ldc); break;
                case 2: NarrowMicrokernel256<Rows2>(kc, a, b, bStride, c, ldc); break;
                default: NarrowMicrokernel256<Rows1>(kc, a, b, bStride, c, ldc); break;
            }
        }
    }

    private static unsafe void MergeTile(float* tile, int tileStride, int rows, int cols, float* c, int ldc, float beta)
    {
        for (int i = 0; i < rows; i++)
        {
            float* source = tile + (nint)i * tileStride;
            float* target = c + (nint)i * ldc;
            for (int j = 0; j < cols; j++)
            {
                target[j] = beta == 0f ? source[j] : source[j] + beta * target[j];
            }
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
