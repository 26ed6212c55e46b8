using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using Ppml.Learning;
using Ppml.Learning.Kernels;
using Ppml.Learning.Layers;

namespace Ppml.Benchmarks.Learning;

/// <summary>
/// LeNet's two convolutions (forward, batch 128): our im2col + packed GEMM layer against a direct kernel that
/// accumulates weight × shifted input rows with Vector256 (the alternative the issue asks to measure).
/// </summary>
public class ConvolutionBenchmarks
{
    private Conv2d _layer = null!;
    private float[] _input = [];
    private float[] _output = [];
    private float[] _parameters = [];
    private int _channels;
    private int _size;

    [Params("conv1 1->6 28x28", "conv2 6->12 12x12")]
    public string Layer { get; set; } = "";

    [Params(128)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_channels, int outChannels, _size) = Layer.StartsWith("conv1", StringComparison.Ordinal) ? (1, 6, 28) : (6, 12, 12);
        _layer = new Conv2d(_channels, outChannels, 5, 5);
        _layer.Build([_channels, _size, _size]);
        _parameters = new float[_layer.ParameterCount];
        _layer.Bind(_parameters, new float[_layer.ParameterCount], 0);
        _layer.Initialize(new SeededRandom(1));
        _layer.EnsureCapacity(Batch);
        var random = new SeededRandom(2);
        _input = Enumerable.Range(0, Batch * _layer.InputSize).Select(_ => random.NextSingle(-1f, 1f)).ToArray();
        _output = new float[Batch * _layer.OutputSize];
    }

    [Benchmark(Baseline = true)]
    public float Im2ColGemm()
    {
        _layer.Forward(_input, _output, Batch, training: true);
        return _output[^1];
    }

    [Benchmark]
    public float Direct()
    {
        int outChannels = _layer.OutputChannels;
        int outSize = _size - 4;
        int inArea = _size * _size;
        int outArea = outSize * outSize;
        BatchChunks.Run(Batch, (_, first, count) =>
        {
            for (int b = first; b < first + count; b++)
            {
                for (int oc = 0; oc < outChannels; oc++)
                {
                    Span<float> y = _output.AsSpan(((b * outChannels) + oc) * outArea, outArea);
                    y.Fill(_parameters[(outChannels * _channels * 25) + oc]);
                    for (int c = 0; c < _channels; c++)
                    {
                        ReadOnlySpan<float> x = _input.AsSpan(((b * _channels) + c) * inArea, inArea);
                        for (int ki = 0; ki < 5; ki++)
                        {
                            for (int kj = 0; kj < 5; kj++)
                            {
                                float w = _parameters[(((oc * _channels) + c) * 25) + (ki * 5) + kj];
                                var weight = Vector256.Create(w);
                                for (int oh = 0; oh < outSize; oh++)
                                {
                                    Span<float> row = y.Slice(oh * outSize, outSize);
                                    ReadOnlySpan<float> source = x.Slice(((oh + ki) * _size) + kj, outSize);
                                    int j = 0;
                                    for (; j <= outSize - 8; j += 8)
                                    {
                                        (Vector256.Create(row[j..]) + (weight * Vector256.Create(source[j..]))).CopyTo(row[j..]);
                                    }

                                    for (; j < outSize; j++)
                                    {
                                        row[j] += w * source[j];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
        return _output[^1];
    }
}
