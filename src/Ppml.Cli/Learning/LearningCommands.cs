using System.CommandLine;
using Ppml.Learning.Training;
using Ppml.Workloads.Learning;

namespace Ppml.Cli.Learning;

/// <summary><c>ppml train lenet</c>, <c>ppml evaluate</c>, <c>ppml predict</c>, <c>ppml datasets fetch mnist</c>.</summary>
internal static class LearningCommands
{
    public static Command CreateTrain(CliContext context)
    {
        var data = new Option<string>("--data") { Description = "MNIST directory: the four IDX files, plain, .gz, or encrypted as 'ppml encrypt' names them (.ppml).", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 2 };
        var batch = new Option<int>("--batch") { Description = "Images per SGD step.", DefaultValueFactory = _ => 128 };
        var learningRate = new Option<float?>("--lr") { Description = "SGD learning rate (default 0.05, momentum 0.9)." };
        var seed = new Option<int>("--seed") { Description = "Seed for initialization and shuffling (deterministic runs).", DefaultValueFactory = _ => 42 };
        var output = new Option<string>("--out") { Description = "Model file to write, always encrypted (a PPML container around model format v1).", Required = true };
        var plot = new Option<string?>("--plot") { Description = "Write a PNG of loss and accuracy per epoch." };
        var limit = new Option<int?>("--limit") { Description = "Train on the first N images only (quick runs)." };
        Option<bool> force = CommonOptions.Force("the model");
        Option<string?> key = CommonOptions.Key();
        KmsTargetOptions kms = new(workload: true);
        var lenet = new Command("lenet", "Train BigDL's LeNet-5 on MNIST; prints 'Top1Accuracy is Accuracy(...)' on the 10,000 test images after each epoch.")
        {
            data, epochs, batch, learningRate, seed, output, plot, limit, force, key,
        };
        kms.AddTo(lenet);
        lenet.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new LearningHandler(context).TrainAsync(
            kms.Read(parse),
            parse.GetValue(key),
            new LeNetTrainingRequest
            {
                DataDirectory = context.ResolvePath(parse.GetRequiredValue(data)),
                ModelPath = context.ResolvePath(parse.GetRequiredValue(output)),
                Training = new TrainingOptions
                {
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batch),
                    LearningRate = parse.GetValue(learningRate) ?? new TrainingOptions().LearningRate,
                    Seed = parse.GetValue(seed),
                },
                Limit = parse.GetValue(limit),
                Overwrite = parse.GetValue(force),
                PlotPath = parse.GetValue(plot) is { } path ? context.ResolvePath(path) : null,
            },
            cancellationToken)));
        return new Command("train", "Train models inside the TEE from encrypted data.") { lenet };
    }

    public static Command CreateEvaluate(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "An encrypted LeNet-5 model written by 'ppml train lenet'.", Required = true };
        var data = new Option<string>("--data") { Description = "MNIST directory (the t10k files are used).", Required = true };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass.", DefaultValueFactory = _ => 128 };
        KmsTargetOptions kms = new(workload: true);
        var evaluate = new Command("evaluate", "Print the model's top-1 accuracy on the MNIST test set.") { model, data, batch };
        kms.AddTo(evaluate);
        evaluate.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new LearningHandler(context).EvaluateAsync(
            kms.Read(parse), parse.GetRequiredValue(model), parse.GetRequiredValue(data), parse.GetValue(batch), cancellationToken)));
        return evaluate;
    }

    public static Command CreatePredict(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "An encrypted model from 'ppml train', or an ONNX model (FILE.onnx, or FILE.onnx.ppml decrypted in memory).", Required = true };
        var image = new Option<string>("--image") { Description = "One 28x28 grey image: binary PGM (P5), a one-image IDX3 file, or 784 raw bytes; may be a PPML container.", Required = true };
        var shape = new Option<string?>("--shape") { Description = "ONNX input shape (default 1,784; e.g. 1,1,28,28). Pixels are scaled to 0..1 for ONNX." };
        KmsTargetOptions kms = new(workload: true);
        var predict = new Command("predict", "Classify one image with a trained or imported model.") { model, image, shape };
        kms.AddTo(predict);
        predict.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new LearningHandler(context).PredictAsync(
            kms.Read(parse), parse.GetRequiredValue(model), parse.GetRequiredValue(image), parse.GetValue(shape), cancellationToken)));
        return predict;
    }

    public static Command CreateDatasets(CliContext context)
    {
        var from = new Option<string>("--from") { Description = "Base URL holding the four original MNIST .gz files.", Required = true };
        var output = new Option<string>("--out") { Description = "Directory to write them to.", Required = true };
        var mnist = new Command("mnist", "Download MNIST from a URL you give and verify the known SHA-256 checksums (nothing unverified is kept).") { from, output };
        mnist.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new LearningHandler(context).FetchMnistAsync(parse.GetRequiredValue(from), parse.GetRequiredValue(output), cancellationToken)));
        return new Command("datasets", "Datasets for the examples.") { new Command("fetch", "Download a dataset and verify it.") { mnist } };
    }
}
