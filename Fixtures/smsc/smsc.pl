#!/usr/bin/perl
# A test SMSC built on Net::SMPP (Debian libnet-smpp-perl) in server mode: it accepts one
# transceiver bind at a time, answers every submit_sm, sends a delivery receipt for each, and
# sends mobile-originated messages when told to on its control port. Every PDU it reads or
# sends is written to --log as one JSON object per line, for the tests to read.
#
# What a destination's last two digits make it do ("first try" counts the runs before this
# one that wrote the same log):
#   99  receipt UNDELIV (err:001)      98  receipt REJECTD (err:011)
#   97  submit_sm_resp ESME_RINVDSTADR  96  ESME_RTHROTTLED to a message's first try
#   95  ESME_RMSGQFUL to a message's first try;     94  no answer at all to a message's first try
#   anything else: receipt DELIVRD
#
# Control port: one JSON object per line, {"from": "...", "to": "...", "text": "..."}, sends a
# deliver_sm (a message from a mobile); the answer is "ok" once Parley's deliver_sm_resp came.
# "hex" gives the short message as bytes instead of "text"; "esm_class" and "data_coding" as
# the PDU's (0 by default).
use strict;
use warnings;
use Getopt::Long;
use IO::Select;
use IO::Socket::INET;
use JSON::PP;
use Net::SMPP;
use Time::HiRes qw(time);

my ($port, $control_port, $log_path, $system_id, $password) = (2775, 0, "smsc.log", "parley", "secret");
my $no_receipts = 0;
GetOptions(
    "port=i" => \$port, "control-port=i" => \$control_port, "log=s" => \$log_path,
    "system-id=s" => \$system_id, "password=s" => \$password, "no-receipts" => \$no_receipts,
) or die "usage: smsc.pl --port N --control-port N --log FILE\n";

$| = 1;
open(my $log, ">>", $log_path) or die "cannot write $log_path: $!";
$log->autoflush(1);
my $json = JSON::PP->new->canonical;
sub record { my %entry = @_; $entry{time} = time; print $log $json->encode(\%entry), "\n"; }

my $listener = Net::SMPP->new_listen("127.0.0.1", port => $port, smpp_version => 0x34)
    or die "cannot listen on $port: $!";
my $control = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $control_port, Listen => 5, ReuseAddr => 1)
    or die "cannot listen on control port: $!";
print "listening $port control ", $control->sockport, "\n";

# Message ids stay unique across restarts of this SMSC.
my $id_prefix = sprintf("%x%x", time, $$);
my $next_id = 0;
my %tried;           # short messages already tried once (also by an earlier run, from the log)
if (open(my $previous, "<", $log_path)) {
    while (my $line = <$previous>) {
        my $entry = eval { JSON::PP->new->decode($line) } or next;
        $tried{$entry->{destination} . $entry->{short_message}} = 1 if $entry->{event} eq "submit_sm";
    }
    close $previous;
}
my %waiting;         # deliver_sm sequence -> control client awaiting the answer

my $select = IO::Select->new($listener, $control);
my $smpp;
my @controls;

while (1) {
    for my $ready ($select->can_read) {
        if ($ready == $listener) {
            my $connection = $listener->accept or next;
            if ($smpp) { $select->remove($smpp); close $smpp; }
            $smpp = $connection;
            $select->add($smpp);
            record(event => "connected");
        } elsif ($ready == $control) {
            my $client = $control->accept or next;
            $select->add($client);
            push @controls, $client;
        } elsif ($smpp && $ready == $smpp) {
            my $pdu = $smpp->read_pdu;
            if (!$pdu) {
                record(event => "disconnected");
                $select->remove($smpp);
                close $smpp;
                undef $smpp;
                next;
            }
            handle($pdu);
        } else {
            my $line = <$ready>;
            if (!defined $line) { $select->remove($ready); close $ready; next; }
            my $mo = $json->decode($line);
            if (!$smpp) { print $ready "no bind\n"; next; }
            my $seq = $smpp->deliver_sm(
                source_addr_ton => 1, source_addr_npi => 1, source_addr => $mo->{from},
                dest_addr_ton => 1, dest_addr_npi => 1, destination_addr => $mo->{to},
                esm_class => ($mo->{esm_class} // 0), data_coding => ($mo->{data_coding} // 0),
                short_message => (defined $mo->{hex} ? pack("H*", $mo->{hex}) : $mo->{text}), async => 1);
            $waiting{$seq} = $ready;
            record(event => "deliver_sm", seq => $seq, from => $mo->{from}, to => $mo->{to});
        }
    }
}

sub handle {
    my ($pdu) = @_;
    my $cmd = $pdu->{cmd};
    if ($cmd == 0x00000009) {
        my $ok = $pdu->{system_id} eq $system_id && $pdu->{password} eq $password;
        record(event => "bind", system_id => $pdu->{system_id}, accepted => $ok ? JSON::PP::true : JSON::PP::false);
        $smpp->bind_transceiver_resp(seq => $pdu->{seq}, status => $ok ? 0 : 0x0E, system_id => "testsmsc");
    } elsif ($cmd == 0x00000015) {
        record(event => "enquire_link");
        $smpp->enquire_link_resp(seq => $pdu->{seq});
    } elsif ($cmd == 0x00000006) {
        record(event => "unbind");
        $smpp->unbind_resp(seq => $pdu->{seq});
    } elsif ($cmd == 0x00000004) {
        submit($pdu);
    } elsif ($cmd == 0x80000005) {
        record(event => "deliver_sm_resp", seq => $pdu->{seq}, status => $pdu->{status});
        if (my $client = delete $waiting{$pdu->{seq}}) { print $client ($pdu->{status} == 0 ? "ok\n" : "status $pdu->{status}\n"); }
    } elsif ($cmd == 0x80000015) {
        record(event => "enquire_link_resp");
    } else {
        record(event => "other", cmd => sprintf("0x%08x", $cmd));
        $smpp->generic_nack(seq => $pdu->{seq}, status => 0x03);
    }
}

sub submit {
    my ($pdu) = @_;
    my $destination = $pdu->{destination_addr};
    my $key = $destination . unpack("H*", $pdu->{short_message});
    my %entry = (
        event => "submit_sm", seq => $pdu->{seq}, source => $pdu->{source_addr}, source_ton => $pdu->{source_addr_ton},
        destination => $destination, esm_class => $pdu->{esm_class}, data_coding => $pdu->{data_coding},
        registered_delivery => $pdu->{registered_delivery}, short_message => unpack("H*", $pdu->{short_message}),
    );
    my $status = 0;
    if ($destination =~ /94$/ && !$tried{$key}++) {
        record(%entry, status => -1);
        return;
    }
    if ($destination =~ /97$/) {
        $status = 0x0B;
    } elsif ($destination =~ /96$/ && !$tried{$key}++) {
        $status = 0x58;
    } elsif ($destination =~ /95$/ && !$tried{$key}++) {
        $status = 0x14;
    }
    if ($status) {
        record(%entry, status => $status);
        $smpp->submit_sm_resp(seq => $pdu->{seq}, status => $status, message_id => "");
        return;
    }
    my $id = $id_prefix . sprintf("%06d", ++$next_id);
    record(%entry, status => 0, message_id => $id);
    $smpp->submit_sm_resp(seq => $pdu->{seq}, message_id => $id);
    return if $no_receipts || !$pdu->{registered_delivery};
    my ($stat, $err) = $destination =~ /99$/ ? ("UNDELIV", "001") : $destination =~ /98$/ ? ("REJECTD", "011") : ("DELIVRD", "000");
    my $text = "id:$id sub:001 dlvrd:" . ($stat eq "DELIVRD" ? "001" : "000")
        . " submit date:2612071200 done date:2612071201 stat:$stat err:$err text:";
    my $seq = $smpp->deliver_sm(
        source_addr_ton => 1, source_addr_npi => 1, source_addr => $destination,
        dest_addr_ton => $pdu->{source_addr_ton}, dest_addr_npi => $pdu->{source_addr_npi}, destination_addr => $pdu->{source_addr},
        esm_class => 0x04, short_message => $text, async => 1);
    record(event => "receipt", seq => $seq, message_id => $id, stat => $stat);
}
