//! Standard normals, bit for bit those of `rand_distr::StandardNormal`,
//! with the ziggurat's common case inline over words read in bulk.
//!
//! A ChaCha8 stream is a sequence of 32-bit words: `next_u32` takes one,
//! `next_u64` two (the first as the low half). `StandardNormal` takes 64
//! bits a draw and keeps the about 99% that fall inside a ziggurat
//! rectangle with a multiply and a compare; any other draw reads more words.
//! [`Normals::fill`] reads the words of every draw at once (one fill of
//! the generator's buffer, not a call a draw), then walks them in order,
//! keeping the common case inline: a draw outside the rectangles goes to
//! `rand_distr` itself, which reads the same 64 bits again and then the
//! words after them, and the walk goes on after the last word it read. So
//! the numbers are those of calling `StandardNormal` every time, in the
//! same order.

use super::rng::SimRng;
use rand::distr::Distribution;
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use std::convert::Infallible;

/// Scratch for drawing normals in bulk.
#[derive(Debug, Clone, Default)]
pub struct Normals {
    /// The next words of the stream, two to a number (low word first).
    bits: Vec<u64>,
}

/// 64-bit draws read beyond one per normal, to serve the rare cases
/// from the buffer too (they read 64 bits more each, and about 1% of
/// draws are rare).
const SPARE: usize = 16;

impl Normals {
    /// Fills `out` with standard normals from the next words of `rng`: the
    /// numbers that as many `StandardNormal.sample(rng)` calls would give,
    /// in order. It may read up to [`SPARE`] 64-bit draws more than they
    /// would: callers move the generator to a phase's own window next.
    pub fn fill(&mut self, rng: &mut SimRng, out: &mut [f64]) {
        self.fill_with_spare(rng, out, SPARE);
    }

    /// [`Normals::fill`], reading `spare` 64-bit draws ahead.
    fn fill_with_spare(&mut self, rng: &mut SimRng, out: &mut [f64], spare: usize) {
        let size = out.len() + spare;
        self.bits.resize(size, 0);
        rng.fill(&mut self.bits[..]);
        // The draw at hand starts at word `2 * next` of the buffer.
        let mut next = 0;
        let mut outputs = out.iter_mut();
        for z in outputs.by_ref() {
            match self.bits.get(next).and_then(|&bits| ziggurat_common_case(bits)) {
                Some(x) => {
                    *z = x;
                    next += 1;
                }
                None => {
                    let mut replay = Replay::new(&self.bits, 2 * next, rng);
                    *z = StandardNormal.sample(&mut replay);
                    let word = replay.word;
                    if word % 2 == 1 || word >= 2 * size {
                        // Off the buffer's 64-bit grid, or past its end (never
                        // with rand_distr 0.6): the rest straight from the replay.
                        for z in outputs.by_ref() {
                            *z = StandardNormal.sample(&mut replay);
                        }
                        return;
                    }
                    next = word / 2;
                }
            }
        }
    }
}

/// The normal of `rand_distr`'s ziggurat for the 64 random `bits` when
/// they fall inside a rectangle (about 99% of draws), `None` otherwise:
/// the layer from the low 8 bits, a uniform in [-1, 1) from the top 52.
#[inline]
fn ziggurat_common_case(bits: u64) -> Option<f64> {
    // The 52 bits as the fraction of a number in [2, 4) (exponent 1 + 1023).
    const EXPONENT_ONE: u64 = 1024 << 52;
    let layer = (bits & 0xff) as usize;
    let u = f64::from_bits((bits >> 12) | EXPONENT_ONE) - 3.0;
    let x = u * ZIG_NORM_X[layer];
    (x.abs() < ZIG_NORM_X[layer + 1]).then_some(x)
}

/// A generator that first gives back words already drawn into a buffer,
/// from word `word` on (two to a 64-bit entry, low half first), then the
/// generator's next words: what `rand_distr` reads in a draw's rare cases.
struct Replay<'a> {
    buffer: &'a [u64],
    /// The next word to give, counted in 32-bit words from the buffer's start.
    word: usize,
    rng: &'a mut SimRng,
}

impl<'a> Replay<'a> {
    fn new(buffer: &'a [u64], word: usize, rng: &'a mut SimRng) -> Replay<'a> {
        Replay { buffer, word, rng }
    }

    fn next_word(&mut self) -> u32 {
        let word = match self.buffer.get(self.word / 2) {
            Some(&bits) => (bits >> (32 * (self.word % 2))) as u32,
            None => self.rng.next_u32(),
        };
        self.word += 1;
        word
    }
}

impl rand::TryRng for Replay<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.next_word())
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let low = self.next_word();
        Ok(u64::from(low) | (u64::from(self.next_word()) << 32))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        // Whole words, as the generator: a partial last word is used up.
        for chunk in dst.chunks_mut(4) {
            let len = chunk.len();
            chunk.copy_from_slice(&self.next_word().to_le_bytes()[..len]);
        }
        Ok(())
    }
}

/// The x coordinates of the ziggurat's layers for the standard normal:
/// `ZIG_NORM_X` of rand_distr 0.6 (`src/ziggurat_tables.rs`, generated by
/// its `ziggurat_tables.py`), which keeps the table private. The test
/// `normals_are_rand_distrs` checks it draw for draw.
#[rustfmt::skip]
#[allow(clippy::excessive_precision)] // as rand_distr writes them; the nearest f64 is meant
static ZIG_NORM_X: [f64; 257] = [
    3.910757959537090045, 3.654152885361008796, 3.449278298560964462, 3.320244733839166074,
    3.224575052047029100, 3.147889289517149969, 3.083526132001233044, 3.027837791768635434,
    2.978603279880844834, 2.934366867207854224, 2.894121053612348060, 2.857138730872132548,
    2.822877396825325125, 2.790921174000785765, 2.760944005278822555, 2.732685359042827056,
    2.705933656121858100, 2.680514643284522158, 2.656283037575502437, 2.633116393630324570,
    2.610910518487548515, 2.589575986706995181, 2.569035452680536569, 2.549221550323460761,
    2.530075232158516929, 2.511544441625342294, 2.493583041269680667, 2.476149939669143318,
    2.459208374333311298, 2.442725318198956774, 2.426670984935725972, 2.411018413899685520,
    2.395743119780480601, 2.380822795170626005, 2.366237056715818632, 2.351967227377659952,
    2.337996148795031370, 2.324308018869623016, 2.310888250599850036, 2.297723348901329565,
    2.284800802722946056, 2.272108990226823888, 2.259637095172217780, 2.247375032945807760,
    2.235313384928327984, 2.223443340090905718, 2.211756642882544366, 2.200245546609647995,
    2.188902771624720689, 2.177721467738641614, 2.166695180352645966, 2.155817819875063268,
    2.145083634046203613, 2.134487182844320152, 2.124023315687815661, 2.113687150684933957,
    2.103474055713146829, 2.093379631137050279, 2.083399693996551783, 2.073530263516978778,
    2.063767547809956415, 2.054107931648864849, 2.044547965215732788, 2.035084353727808715,
    2.025713947862032960, 2.016433734904371722, 2.007240830558684852, 1.998132471356564244,
    1.989106007615571325, 1.980158896898598364, 1.971288697931769640, 1.962493064942461896,
    1.953769742382734043, 1.945116560006753925, 1.936531428273758904, 1.928012334050718257,
    1.919557336591228847, 1.911164563769282232, 1.902832208548446369, 1.894558525668710081,
    1.886341828534776388, 1.878180486290977669, 1.870072921069236838, 1.862017605397632281,
    1.854013059758148119, 1.846057850283119750, 1.838150586580728607, 1.830289919680666566,
    1.822474540091783224, 1.814703175964167636, 1.806974591348693426, 1.799287584547580199,
    1.791640986550010028, 1.784033659547276329, 1.776464495522344977, 1.768932414909077933,
    1.761436365316706665, 1.753975320315455111, 1.746548278279492994, 1.739154261283669012,
    1.731792314050707216, 1.724461502945775715, 1.717160915015540690, 1.709889657069006086,
    1.702646854797613907, 1.695431651932238548, 1.688243209434858727, 1.681080704722823338,
    1.673943330923760353, 1.666830296159286684, 1.659740822855789499, 1.652674147080648526,
    1.645629517902360339, 1.638606196773111146, 1.631603456932422036, 1.624620582830568427,
    1.617656869570534228, 1.610711622367333673, 1.603784156023583041, 1.596873794420261339,
    1.589979870021648534, 1.583101723393471438, 1.576238702733332886, 1.569390163412534456,
    1.562555467528439657, 1.555733983466554893, 1.548925085471535512, 1.542128153226347553,
    1.535342571438843118, 1.528567729435024614, 1.521803020758293101, 1.515047842773992404,
    1.508301596278571965, 1.501563685112706548, 1.494833515777718391, 1.488110497054654369,
    1.481394039625375747, 1.474683555695025516, 1.467978458615230908, 1.461278162507407830,
    1.454582081885523293, 1.447889631277669675, 1.441200224845798017, 1.434513276002946425,
    1.427828197027290358, 1.421144398672323117, 1.414461289772464658, 1.407778276843371534,
    1.401094763676202559, 1.394410150925071257, 1.387723835686884621, 1.381035211072741964,
    1.374343665770030531, 1.367648583594317957, 1.360949343030101844, 1.354245316759430606,
    1.347535871177359290, 1.340820365893152122, 1.334098153216083604, 1.327368577624624679,
    1.320630975217730096, 1.313884673146868964, 1.307128989027353860, 1.300363230327433728,
    1.293586693733517645, 1.286798664489786415, 1.279998415710333237, 1.273185207661843732,
    1.266358287014688333, 1.259516886060144225, 1.252660221891297887, 1.245787495544997903,
    1.238897891102027415, 1.231990574742445110, 1.225064693752808020, 1.218119375481726552,
    1.211153726239911244, 1.204166830140560140, 1.197157747875585931, 1.190125515422801650,
    1.183069142678760732, 1.175987612011489825, 1.168879876726833800, 1.161744859441574240,
    1.154581450355851802, 1.147388505416733873, 1.140164844363995789, 1.132909248648336975,
    1.125620459211294389, 1.118297174115062909, 1.110938046009249502, 1.103541679420268151,
    1.096106627847603487, 1.088631390649514197, 1.081114409698889389, 1.073554065787871714,
    1.065948674757506653, 1.058296483326006454, 1.050595664586207123, 1.042844313139370538,
    1.035040439828605274, 1.027181966030751292, 1.019266717460529215, 1.011292417434978441,
    1.003256679539591412, 0.995156999629943084, 0.986990747093846266, 0.978755155288937750,
    0.970447311058864615, 0.962064143217605250, 0.953602409875572654, 0.945058684462571130,
    0.936429340280896860, 0.927710533396234771, 0.918898183643734989, 0.909987953490768997,
    0.900975224455174528, 0.891855070726792376, 0.882622229578910122, 0.873271068082494550,
    0.863795545546826915, 0.854189171001560554, 0.844444954902423661, 0.834555354079518752,
    0.824512208745288633, 0.814306670128064347, 0.803929116982664893, 0.793369058833152785,
    0.782615023299588763, 0.771654424216739354, 0.760473406422083165, 0.749056662009581653,
    0.737387211425838629, 0.725446140901303549, 0.713212285182022732, 0.700661841097584448,
    0.687767892786257717, 0.674499822827436479, 0.660822574234205984, 0.646695714884388928,
    0.632072236375024632, 0.616896989996235545, 0.601104617743940417, 0.584616766093722262,
    0.567338257040473026, 0.549151702313026790, 0.529909720646495108, 0.509423329585933393,
    0.487443966121754335, 0.463634336771763245, 0.437518402186662658, 0.408389134588000746,
    0.375121332850465727, 0.335737519180459465, 0.286174591747260509, 0.215241895913273806,
    0.000000000000000000,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::run_rng;

    /// Bit for bit `StandardNormal.sample` in sequence, across the
    /// ziggurat's rare cases (about 1 draw in 100, the tail 1 in 4000),
    /// over many streams and lengths, with the usual spare words and with
    /// none or one (so that rare cases read past the buffer).
    #[test]
    fn normals_are_rand_distrs() {
        let mut scratch = Normals::default();
        let lengths = (0..600).map(|run| (run, 1 + run as usize % 60)).chain([(600, 193), (601, 386), (602, 200_000)]);
        let mut past_the_buffer = 0;
        for (run, count) in lengths {
            for spare in [SPARE, 0, 1] {
                let mut fast = run_rng(11, run);
                let mut slow = fast.clone();
                let mut out = vec![0.0; count];
                scratch.fill_with_spare(&mut fast, &mut out, spare);
                let expected: Vec<f64> = (0..count).map(|_| StandardNormal.sample(&mut slow)).collect();
                let same = out.iter().zip(&expected).all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same, "run {run}, {count} draws, {spare} spare");
                past_the_buffer += usize::from(fast.get_word_pos() > 2 * (count + spare) as u128);
            }
        }
        assert!(past_the_buffer > 10, "{past_the_buffer}");
    }

    /// The replayed words come back in stream order whatever reads them,
    /// from the buffer then from the generator.
    #[test]
    fn a_replay_gives_the_words_back_in_order() {
        let mut rng = run_rng(1, 2);
        let mut copy = rng.clone();
        let mut buffer = [0u64; 2];
        rng.fill(&mut buffer[..]);
        let _ = copy.next_u32();
        let mut replay = Replay::new(&buffer, 1, &mut rng);
        let (mut bytes, mut expected) = ([0u8; 7], [0u8; 7]);
        rand::TryRng::try_fill_bytes(&mut replay, &mut bytes).unwrap();
        copy.fill_bytes(&mut expected);
        assert_eq!(bytes, expected);
        assert_eq!(replay.next_word(), copy.next_u32());
        assert_eq!(rand::TryRng::try_next_u64(&mut replay).unwrap(), copy.next_u64());
    }
}
