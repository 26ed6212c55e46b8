using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ppml.Learning.Mnist;
using Ppml.Learning.Serialization;

namespace Ppml.Learning.Training;

/// <summary>
/// Everything a LeNet-5 training run needs to continue after an interruption as if it had never stopped: the model,
/// the optimizer's step count and momentum, the shuffling generator's state, the per-epoch and per-step history, and
/// the configuration it was written for. <see cref="LeNetTrainer.TrainAsync(MnistData, MnistData, TrainingOptions, TrainingCheckpoint?, Func{TrainingCheckpoint, CancellationToken, Task}?, IProgress{TrainingProgress}?, CancellationToken)"/>
/// hands one out after every epoch and accepts one to resume from.
/// </summary>
/// <remarks>
/// Checkpoint format v1 (docs/learning.md): magic <c>PPMLCKPT</c>, version, the configuration text, the counters and
/// generator state, the history, the model in model format v1, then a SHA-256 of everything before it. Like the model
/// format it carries no secrets and no protection of its own: store it inside a PPML container (the workloads do).
/// </remarks>
public sealed class TrainingCheckpoint
{
    /// <summary>The 8 magic bytes, ASCII <c>PPMLCKPT</c>.</summary>
    public static ReadOnlySpan<byte> Magic => "PPMLCKPT"u8;

    /// <summary>The version this build writes (and the only one it reads).</summary>
    public const ushort CurrentVersion = 1;

    // A LeNet-5 checkpoint is about 0.5 MB; anything near this is not one of ours.
    private const int MaxBytes = 1 << 30;
    private const int HashSize = 32;

    private readonly (ulong, ulong, ulong, ulong, bool, float) _shuffleState;
    private readonly float[] _optimizerState;

    internal TrainingCheckpoint(
        string configuration,
        Sequential model,
        long optimizerIteration,
        float[] optimizerState,
        (ulong, ulong, ulong, ulong, bool, float) shuffleState,
        IReadOnlyList<EpochResult> epochs,
        IReadOnlyList<float> stepLosses)
    {
        Configuration = configuration;
        Model = model;
        OptimizerIteration = optimizerIteration;
        _optimizerState = optimizerState;
        _shuffleState = shuffleState;
        Epochs = epochs;
        StepLosses = stepLosses;
    }

    /// <summary>
    /// The settings the run was started with, one <c>name: value</c> per line (architecture, hyper-parameters, seed,
    /// and SHA-256 digests of the training and test sets). A run resumes only from a checkpoint of the same configuration;
    /// the number of epochs is not part of it, so a finished run can also be extended.
    /// </summary>
    public string Configuration { get; }

    /// <summary>Epochs completed when the checkpoint was taken.</summary>
    public int CompletedEpochs => Epochs.Count;

    /// <summary>The model after <see cref="CompletedEpochs"/> epochs.</summary>
    public Sequential Model { get; }

    /// <summary>One result per completed epoch.</summary>
    public IReadOnlyList<EpochResult> Epochs { get; }

    /// <summary>The loss of every training step (batch) so far, in order.</summary>
    public IReadOnlyList<float> StepLosses { get; }

    internal long OptimizerIteration { get; }

    internal ReadOnlySpan<float> OptimizerState => _optimizerState;

    internal (ulong S0, ulong S1, ulong S2, ulong S3, bool HasSpareGaussian, float SpareGaussian) ShuffleState => _shuffleState;

    /// <summary>Writes the checkpoint (format v1) to <paramref name="stream"/>.</summary>
    /// <param name="stream">Destination; left open. Wrap it in an encrypting stream to protect the checkpoint.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when every byte has been written (the stream is flushed).</returns>
    public async Task SaveAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(CurrentVersion);
            writer.Write((ushort)0);
            WriteString(writer, Configuration);
            writer.Write(_shuffleState.Item1);
            writer.Write(_shuffleState.Item2);
            writer.Write(_shuffleState.Item3);
            writer.Write(_shuffleState.Item4);
            writer.Write(_shuffleState.Item5);
            writer.Write(_shuffleState.Item6);
            writer.Write(OptimizerIteration);
            WriteFloats(writer, _optimizerState);
            writer.Write(Epochs.Count);
            foreach (EpochResult epoch in Epochs)
            {
                writer.Write(epoch.Epoch);
                writer.Write(epoch.AverageLoss);
                writer.Write(epoch.Top1.Correct);
                writer.Write(epoch.Top1.Count);
                writer.Write(epoch.TrainingTime.Ticks);
                writer.Write(epoch.EvaluationTime.Ticks);
                writer.Write(epoch.Samples);
            }

            WriteFloats(writer, StepLosses);
        }

        using (var model = new MemoryStream())
        {
            await ModelSerializer.SaveAsync(Model, model, cancellationToken).ConfigureAwait(false);
            byte[] length = new byte[sizeof(int)];
            BinaryPrimitives.WriteInt32LittleEndian(length, checked((int)model.Length));
            body.Write(length);
            model.Position = 0;
            await model.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
        }

        body.Write(SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length)));
        body.Position = 0;
        await body.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a checkpoint written by <see cref="SaveAsync"/>.</summary>
    /// <param name="stream">Source (for example a decrypting stream); read to its end, left open.</param>
    /// <param name="inputName">Name used in error messages.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="LearningFormatException">Not a checkpoint, unsupported version, corrupt or truncated, or a model other than LeNet-5.</exception>
    public static async Task<TrainingCheckpoint> LoadAsync(Stream stream, string inputName = "checkpoint", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(inputName);
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            byte[] chunk = new byte[1 << 16];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    throw LearningFormatException.For(inputName, $"is larger than {MaxBytes} bytes; this is not a training checkpoint");
                }

                buffer.Write(chunk, 0, read);
            }

            bytes = buffer.ToArray();
        }

        if (bytes.Length < Magic.Length + 4 + HashSize || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw LearningFormatException.For(inputName, "does not start with 'PPMLCKPT'; this is not a training checkpoint (or it is still encrypted)");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        if (version != CurrentVersion)
        {
            throw LearningFormatException.For(inputName, $"checkpoint format version {version} at offset 8 is not supported; this build reads version {CurrentVersion}");
        }

        int content = bytes.Length - HashSize;
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(bytes.AsSpan(0, content)), bytes.AsSpan(content)))
        {
            throw LearningFormatException.For(inputName, $"SHA-256 checksum at offset {content} does not match the content; the checkpoint is corrupt or truncated");
        }

        using var reader = new BinaryReader(new MemoryStream(bytes, 0, content, writable: false), Encoding.UTF8);
        try
        {
            reader.BaseStream.Position = 12;
            string configuration = ReadString(reader, inputName);
            (ulong, ulong, ulong, ulong, bool, float) shuffle =
                (reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadBoolean(), reader.ReadSingle());
            if ((shuffle.Item1 | shuffle.Item2 | shuffle.Item3 | shuffle.Item4) == 0)
            {
                throw LearningFormatException.For(inputName, "holds an all-zero generator state");
            }

            long iteration = reader.ReadInt64();
            if (iteration < 0)
            {
                throw LearningFormatException.For(inputName, $"holds a negative step count {iteration}");
            }

            float[] optimizerState = ReadFloats(reader, inputName, "optimizer state");
            int epochCount = ReadCount(reader, inputName, "epochs", 44);
            var epochs = new EpochResult[epochCount];
            for (int i = 0; i < epochCount; i++)
            {
                int epoch = reader.ReadInt32();
                double loss = reader.ReadDouble();
                int correct = reader.ReadInt32();
                int count = reader.ReadInt32();
                long trainingTicks = reader.ReadInt64();
                long evaluationTicks = reader.ReadInt64();
                int samples = reader.ReadInt32();
                if (epoch != i + 1 || correct < 0 || count < correct || trainingTicks < 0 || evaluationTicks < 0 || samples < 0)
                {
                    throw LearningFormatException.For(inputName, $"epoch record {i + 1} is inconsistent");
                }

                epochs[i] = new EpochResult(epoch, loss, new Accuracy(correct, count), TimeSpan.FromTicks(trainingTicks), TimeSpan.FromTicks(evaluationTicks), samples);
            }

            float[] stepLosses = ReadFloats(reader, inputName, "step losses");
            int modelLength = ReadCount(reader, inputName, "model bytes", 1);
            long modelOffset = reader.BaseStream.Position;
            if (modelOffset + modelLength != content)
            {
                throw LearningFormatException.For(inputName, $"model section at offset {modelOffset} declares {modelLength} bytes, but {content - modelOffset} remain");
            }

            Sequential model = await ModelSerializer.LoadAsync(
                new MemoryStream(bytes, (int)modelOffset, modelLength, writable: false), LeNet5.Architecture, inputName, cancellationToken).ConfigureAwait(false);
            return new TrainingCheckpoint(configuration, model, iteration, optimizerState, shuffle, epochs, stepLosses);
        }
        catch (EndOfStreamException exception)
        {
            throw new LearningFormatException(inputName, $"truncated at offset {reader.BaseStream.Position}", exception);
        }
    }

    /// <summary>
    /// Checks, before training starts, that this checkpoint can continue a LeNet-5 run with <paramref name="options"/> on
    /// <paramref name="train"/> and <paramref name="test"/> (the trainer checks again when it resumes).
    /// </summary>
    /// <param name="options">The hyper-parameters of the run to continue.</param>
    /// <param name="train">Its training images.</param>
    /// <param name="test">Its test images.</param>
    /// <param name="inputName">Name used in the error message (the checkpoint file).</param>
    /// <exception cref="LearningFormatException">
    /// The checkpoint was written by a run with another configuration (the message names the first setting that differs),
    /// or has more epochs than <see cref="TrainingOptions.Epochs"/>.
    /// </exception>
    public void RequireResumable(TrainingOptions options, MnistData train, MnistData test, string inputName = "checkpoint")
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        RequireResumableAs(DescribeConfiguration(options, train, test), options.Epochs, inputName);
    }

    /// <summary>
    /// Throws unless this checkpoint can continue a run of <paramref name="configuration"/> for <paramref name="epochs"/> epochs.
    /// </summary>
    internal void RequireResumableAs(string configuration, int epochs, string inputName)
    {
        if (!string.Equals(Configuration, configuration, StringComparison.Ordinal))
        {
            throw LearningFormatException.For(
                inputName,
                $"was written by a run with another configuration ({DescribeDifference(Configuration, configuration)}); resume with the options of that run, or start over without resuming");
        }

        if (CompletedEpochs > epochs)
        {
            throw LearningFormatException.For(inputName, $"already has {CompletedEpochs} epochs, more than the {epochs} asked for");
        }
    }

    /// <summary>The configuration text of a LeNet-5 run (see <see cref="Configuration"/>).</summary>
    internal static string DescribeConfiguration(TrainingOptions options, MnistData train, MnistData test) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"""
            model: LeNet-5 ({Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(LeNet5.Architecture)))[..16]})
            batch size: {options.BatchSize}
            learning rate: {options.LearningRate:R}
            momentum: {options.Momentum:R}
            weight decay: {options.WeightDecay:R}
            learning-rate decay: {options.LearningRateDecay:R}
            seed: {options.Seed}
            training images: {train.Count} (SHA-256 {Digest(train)})
            test images: {test.Count} (SHA-256 {Digest(test)})
            """);

    private static string Digest(MnistData data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(data.Images.Span);
        hash.AppendData(data.Labels.Span);
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static string DescribeDifference(string written, string current)
    {
        string[] a = written.Split('\n');
        string[] b = current.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string was = i < a.Length ? a[i] : "(nothing)";
            string now = i < b.Length ? b[i] : "(nothing)";
            if (!string.Equals(was, now, StringComparison.Ordinal))
            {
                int colon = now.IndexOf(':', StringComparison.Ordinal);
                return colon > 0 && was.StartsWith(now[..(colon + 1)], StringComparison.Ordinal)
                    ? $"{was}, this run {now[(colon + 1)..].Trim()}"
                    : $"'{was}', this run '{now}'";
            }
        }

        return "the texts differ";
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static string ReadString(BinaryReader reader, string inputName)
    {
        int length = ReadCount(reader, inputName, "configuration bytes", 1);
        byte[] bytes = reader.ReadBytes(length);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException exception)
        {
            throw new LearningFormatException(inputName, "configuration is not valid UTF-8", exception);
        }
    }

    private static void WriteFloats(BinaryWriter writer, IReadOnlyList<float> values)
    {
        writer.Write(values.Count);
        foreach (float value in values)
        {
            writer.Write(value);
        }
    }

    private static float[] ReadFloats(BinaryReader reader, string inputName, string what)
    {
        float[] values = new float[ReadCount(reader, inputName, what, sizeof(float))];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = reader.ReadSingle();
        }

        return values;
    }

    // A count is checked against the bytes left before anything is allocated for it.
    private static int ReadCount(BinaryReader reader, string inputName, string what, int bytesEach)
    {
        long offset = reader.BaseStream.Position;
        int count = reader.ReadInt32();
        long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
        if (count < 0 || (long)count * bytesEach > remaining)
        {
            throw LearningFormatException.For(inputName, $"count of {what} at offset {offset} is {count}, but only {remaining} bytes remain");
        }

        return count;
    }
}
