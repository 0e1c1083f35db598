using System.Runtime.InteropServices;
using ServiceDesk.LocalRun;

if (LocalRunOptions.TryParse(args, out var options, out var usage) is false)
{
    await Console.Error.WriteLineAsync(usage);
    return 2;
}

using var stop = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
// A closed terminal: left to its default, the run would die and leave redis-server (which ignores SIGHUP) on the data.
using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context => { context.Cancel = true; stop.Cancel(); });
return await new LocalSystem(options).RunAsync(stop.Token);
