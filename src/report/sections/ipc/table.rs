//! The ipc table: a row per transport and message size — MB/s and messages/s streamed, round-trip
//! p50 and p99, memcpy's MB/s at that size beside, and MB/s as a share of it. Added under the ipc
//! group's own table.

use super::data::IpcRow;
use super::sentences::micros;
use crate::fmt;
use crate::names::Group;
use crate::render::table::Table;

pub fn table(rows: &[IpcRow]) -> Option<Table> {
    if rows.is_empty() {
        return None;
    }
    let header = [
        "transport",
        "size",
        "MB/s",
        "msgs/s",
        "RTT p50",
        "RTT p99",
        "memcpy MB/s",
        "of memcpy",
    ];
    let body = rows
        .iter()
        .map(|r| {
            let mut row = vec![r.flags.label(&r.name()), fmt::bytes(r.size as f64)];
            match r.figures {
                Some(f) => row.extend([
                    format!("{:.0}", f.mb_per_s),
                    format!("{:.0}", f.messages_per_s),
                    micros(f.rtt_p50_s),
                    micros(f.rtt_p99_s),
                    format!("{:.0}", f.memcpy_mb_per_s),
                    f.of_memcpy().map_or("–".into(), fmt::pct),
                ]),
                None => row.extend(std::iter::repeat_n("–".to_string(), 6)),
            }
            row
        })
        .collect();
    Some(Table {
        group: format!("{}: transports by message size, beside memcpy", Group::Ipc),
        header: header.iter().map(|s| s.to_string()).collect(),
        rows: body,
        note: "Medians over samples. Each case is one pair of processes per task: M round trips \
               (RTT: a message out and echoed back, µs, percentiles of every round trip's time in \
               an HDR histogram), then M messages streamed one way (MB/s, 10⁶ bytes of message a \
               second, and msgs/s, per pair). memcpy MB/s: copying one message memory to memory in \
               the same process right after (Python: a bytearray copy in the interpreter), the \
               floor a transport that copies each message once could reach; of memcpy: MB/s over \
               it. Every message is checked for its sequence number and every byte: a pair that \
               found one wrong fails as reordered or corrupt, counted in the group's table."
            .into(),
    })
}
