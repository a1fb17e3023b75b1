import Foundation
import Synchronization

/// A second thread for the matrix product, kept warm.
///
/// Waking a parked thread costs tens of microseconds on this kind of virtual machine, more than a
/// mid-sized product gains from a second core. So when the program asks for it
/// (`FloatKernels.workerStaysAwake`, Teach's `ProcessTuning`), the worker spins for a while after
/// each job, checking for the next one, and only then sleeps on a semaphore; otherwise it sleeps at
/// once (after a few microseconds of checks). Jobs are run one at a time:
/// `run(first, second)` runs `second` on the worker and `first` on the caller, and returns when both
/// are done. Concurrent callers take turns, and a job that splits work again (a layer that runs its
/// rows on both cores, and a product inside large enough to split) runs both parts of the inner
/// split on its own thread.
final class ProductWorker: @unchecked Sendable {
    static let shared = ProductWorker()

    /// Jobs handed out and jobs finished, counted; the worker runs job `n` when it sees `requested = n`.
    private let requested = Atomic<Int>(0)
    private let completed = Atomic<Int>(0)
    /// The last job someone (the worker, or the caller taking it back) has started.
    private let claimed = Atomic<Int>(0)
    private let sleeping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let turn = NSLock()
    /// The thread inside `run` (0 when none) and the worker's own thread: a call from either is a
    /// split inside a split.
    private let caller = Atomic<UInt>(0)
    private let workerThread = Atomic<UInt>(0)
    /// Written by the caller before `requested` is raised, read by the worker after it sees the raise.
    private var job: (() -> Void)?

    /// How long the worker keeps checking for new work before it sleeps when asked to stay awake:
    /// long enough to bridge the gaps between the products of a training step (a bias, an
    /// activation, an optimizer step).
    private static let spinNanoseconds: UInt64 = 1_000_000

    /// Whether the worker spins for ``spinNanoseconds`` after each job (else it sleeps at once).
    static let staysAwake = Atomic<Bool>(false)

    private init() {
        let thread = Thread { [self] in loop() }
        thread.name = "Teach product worker"
        thread.start()
    }

    private func spin() -> UInt64 { Self.staysAwake.load(ordering: .relaxed) ? Self.spinNanoseconds : 0 }

    /// This thread's identity, as a number.
    private static func currentThread() -> UInt {
        #if canImport(Darwin) || canImport(Musl)
        UInt(bitPattern: pthread_self())  // a pointer there
        #else
        UInt(pthread_self())  // glibc: an integer
        #endif
    }

    private func loop() {
        workerThread.store(Self.currentThread(), ordering: .sequentiallyConsistent)
        var seen = 0
        while true {
            var spins = 0
            var deadline = DispatchTime.now().uptimeNanoseconds + spin()
            while requested.load(ordering: .sequentiallyConsistent) == seen {
                spins &+= 1
                // look at the clock only now and then: reading it costs more than a check
                if spins & 1023 == 0 && DispatchTime.now().uptimeNanoseconds > deadline {
                    sleeping.store(true, ordering: .sequentiallyConsistent)
                    if requested.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
                    sleeping.store(false, ordering: .sequentiallyConsistent)
                    deadline = DispatchTime.now().uptimeNanoseconds + spin()
                }
            }
            seen = requested.load(ordering: .sequentiallyConsistent)
            // the caller may have taken the job back (see `run`): then there is nothing to do
            if claimed.compareExchange(expected: seen - 1, desired: seen, ordering: .sequentiallyConsistent).exchanged {
                job?()
                completed.store(seen, ordering: .sequentiallyConsistent)
            }
        }
    }

    /// Runs `first` here and `second` on the worker, and returns when both have finished.
    ///
    /// If the worker has not started `second` by the time `first` is done (another program has
    /// the other core, or the worker is still waking up), the caller takes it back and runs it
    /// itself: on a busy machine a product then costs what one core takes, not a time slice of
    /// the scheduler. Whoever claims job `n` first (raising `claimed` from `n − 1`) runs it.
    func run(_ first: () -> Void, _ second: @escaping () -> Void) {
        let me = Self.currentThread()
        if caller.load(ordering: .sequentiallyConsistent) == me || workerThread.load(ordering: .sequentiallyConsistent) == me {
            // a split inside a split: both parts here (waiting for the turn would never end)
            first()
            second()
            return
        }
        turn.lock()
        caller.store(me, ordering: .sequentiallyConsistent)
        defer {
            caller.store(0, ordering: .sequentiallyConsistent)
            turn.unlock()
        }
        job = second
        let number = requested.add(1, ordering: .sequentiallyConsistent).newValue
        if sleeping.load(ordering: .sequentiallyConsistent) { wake.signal() }
        first()
        if claimed.compareExchange(expected: number - 1, desired: number, ordering: .sequentiallyConsistent).exchanged {
            second()
        } else {
            while completed.load(ordering: .sequentiallyConsistent) != number {}
        }
        job = nil
    }
}
