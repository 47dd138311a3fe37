// An ordered parallel map: `work` runs on each item on worker threads, and
// `deliver` gets each item with its result on the caller's thread, in the
// order the items were pushed. It is how `usage` and `validate` spread the
// per-interaction work (body decoding, JSON parsing, reassembly, checks) of a
// long cassette over the cores while the reader parses YAML on its own thread
// and the results still come out exactly as a single thread gives them.
//
// Threads start only once the pushed items weigh `start_after` (the small
// cassettes of a tree, read by `-j` on every core already, never start any).
// Items travel in batches of a few hundred KiB and at most `window` batches
// are in flight, so memory stays about a MiB plus the largest interaction,
// not the file. An exception thrown by `work` is rethrown by
// push() or finish() at that item's turn, as if it had run inline.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace cassette {

// The worker threads a read spreads its work over unless told otherwise: one
// per core, none on a single core (then everything runs inline). A value, not
// a setting: callers pass their own count (ReadOptions::threads).
inline size_t hardware_work_threads() {
    static const size_t n = [] {  // asked once: the count of cores does not change
        unsigned cores = std::thread::hardware_concurrency();
        return cores > 1 ? size_t{cores} : size_t{0};
    }();
    return n;
}

struct OrderedWorkOptions {
    size_t threads = hardware_work_threads();
    size_t window = 0;                     // batches in flight; 0 = 2 per thread
    size_t start_after = size_t{1} << 20;  // weight pushed before threads start
    // Items go to the threads in batches of this weight (or this many
    // items), so that waking a thread is rare next to the work it gets.
    size_t batch_weight = size_t{256} << 10;
    size_t batch_items = 256;
};

template <class In, class Out>
class OrderedWork {
public:
    using Work = std::function<Out(const In&)>;
    using Deliver = std::function<void(In&&, Out&&)>;
    using Options = OrderedWorkOptions;

    OrderedWork(Work work, Deliver deliver) : OrderedWork(std::move(work), std::move(deliver), Options{}) {}
    OrderedWork(Work work, Deliver deliver, Options opts)
        : work_(std::move(work)), deliver_(std::move(deliver)), opts_(opts) {
        if (opts_.window == 0) opts_.window = 2 * std::max<size_t>(1, opts_.threads);
    }
    OrderedWork(const OrderedWork&) = delete;
    OrderedWork& operator=(const OrderedWork&) = delete;

    ~OrderedWork() { stop(); }

    // Hands over one item; `weight` (its bytes, say) counts towards starting
    // the threads and closing a batch. May deliver earlier items first.
    void push(In&& in, size_t weight = 0) {
        if (workers_.empty()) {
            pushed_weight_ += weight;
            if (opts_.threads == 0 || pushed_weight_ < opts_.start_after || !start()) {
                Out out = work_(in);
                deliver_(std::move(in), std::move(out));
                return;
            }
        }
        batch_.in.push_back(std::move(in));
        batch_weight_ += weight;
        if (batch_weight_ >= opts_.batch_weight || batch_.in.size() >= opts_.batch_items) submit();
    }

    // Delivers every item still in flight, in order, and stops the threads.
    void finish() {
        if (!workers_.empty()) {
            submit();
            std::unique_lock<std::mutex> lock(m_);
            while (!batches_.empty()) deliver_head(lock);
        }
        stop();
    }

private:
    struct Batch {
        std::vector<In> in;
        std::vector<Out> out;      // out[i] is in[i]'s result; shorter when work threw
        std::exception_ptr error;  // what work threw on in[out.size()]
        bool done = false;
    };

    bool start() {
        try {
            for (size_t k = 0; k < opts_.threads; ++k) workers_.emplace_back([this] { run(); });
        } catch (const std::system_error&) {
            if (workers_.empty()) return false;  // no thread at all: go on inline
        }
        return true;
    }

    void submit() {
        if (batch_.in.empty()) return;
        std::unique_lock<std::mutex> lock(m_);
        while (batches_.size() >= opts_.window) deliver_head(lock);
        batches_.push_back(std::move(batch_));
        lock.unlock();
        work_ready_.notify_one();
        batch_ = Batch{};
        batch_weight_ = 0;
    }

    // Waits for the oldest batch, then delivers it with the lock released.
    void deliver_head(std::unique_lock<std::mutex>& lock) {
        head_done_.wait(lock, [&] { return batches_.front().done; });
        Batch b = std::move(batches_.front());
        batches_.pop_front();
        --claimed_;
        lock.unlock();
        for (size_t i = 0; i < b.out.size(); ++i) deliver_(std::move(b.in[i]), std::move(b.out[i]));
        if (b.error) std::rethrow_exception(b.error);
        lock.lock();
    }

    void run() {
        std::unique_lock<std::mutex> lock(m_);
        for (;;) {
            work_ready_.wait(lock, [&] { return stopping_ || claimed_ < batches_.size(); });
            if (stopping_) return;
            // References into a deque survive push_back and pop_front, and a
            // batch is not popped before it is done.
            Batch& b = batches_[claimed_++];
            lock.unlock();
            b.out.reserve(b.in.size());
            try {
                for (const In& in : b.in) b.out.push_back(work_(in));
            } catch (...) {
                b.error = std::current_exception();
            }
            lock.lock();
            b.done = true;
            if (&b == &batches_.front()) head_done_.notify_one();
        }
    }

    void stop() {
        {
            std::lock_guard<std::mutex> lock(m_);
            stopping_ = true;
        }
        work_ready_.notify_all();
        for (auto& t : workers_) t.join();
        workers_.clear();
        batches_.clear();
        batch_ = Batch{};
        claimed_ = 0;
        stopping_ = false;
        opts_.threads = 0;  // anything pushed after finish() runs inline
    }

    Work work_;
    Deliver deliver_;
    Options opts_;
    size_t pushed_weight_ = 0;
    Batch batch_;  // being filled by push(), caller's thread only
    size_t batch_weight_ = 0;
    std::vector<std::thread> workers_;
    std::mutex m_;
    std::condition_variable work_ready_, head_done_;
    std::deque<Batch> batches_;
    size_t claimed_ = 0;  // batches_[0 .. claimed_) are taken by a worker
    bool stopping_ = false;
};

}  // namespace cassette
