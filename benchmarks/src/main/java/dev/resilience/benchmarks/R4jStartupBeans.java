package dev.resilience.benchmarks;

import io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker;
import io.github.resilience4j.retry.annotation.Retry;

/**
 * The same 200 methods as {@link OursStartupBeans}, with resilience4j's
 * {@code @CircuitBreaker} and {@code @Retry}.
 * <p>
 * The methods are written out, one per line, because the annotation values must be
 * constants: each method gets a breaker and a retry of its own, as the worst case of a
 * startup (the most instances to create). Every method is {@code int mN(int x)}, called
 * by reflection when a benchmark makes one call to each.
 */
final class R4jStartupBeans {

	/** The bean classes, {@link StartupBenchmarks#METHODS_PER_CLASS} methods each. */
	static final Class<?>[] CLASSES = { Bean0.class, Bean1.class, Bean2.class, Bean3.class, Bean4.class, Bean5.class,
			Bean6.class, Bean7.class, Bean8.class, Bean9.class };

	private R4jStartupBeans() {
	}

	// @formatter:off
	public static class Bean0 {

		@CircuitBreaker(name = "cb0") @Retry(name = "r0") public int m0(int x) { return x + 1; }
		@CircuitBreaker(name = "cb1") @Retry(name = "r1") public int m1(int x) { return x + 1; }
		@CircuitBreaker(name = "cb2") @Retry(name = "r2") public int m2(int x) { return x + 1; }
		@CircuitBreaker(name = "cb3") @Retry(name = "r3") public int m3(int x) { return x + 1; }
		@CircuitBreaker(name = "cb4") @Retry(name = "r4") public int m4(int x) { return x + 1; }
		@CircuitBreaker(name = "cb5") @Retry(name = "r5") public int m5(int x) { return x + 1; }
		@CircuitBreaker(name = "cb6") @Retry(name = "r6") public int m6(int x) { return x + 1; }
		@CircuitBreaker(name = "cb7") @Retry(name = "r7") public int m7(int x) { return x + 1; }
		@CircuitBreaker(name = "cb8") @Retry(name = "r8") public int m8(int x) { return x + 1; }
		@CircuitBreaker(name = "cb9") @Retry(name = "r9") public int m9(int x) { return x + 1; }
		@CircuitBreaker(name = "cb10") @Retry(name = "r10") public int m10(int x) { return x + 1; }
		@CircuitBreaker(name = "cb11") @Retry(name = "r11") public int m11(int x) { return x + 1; }
		@CircuitBreaker(name = "cb12") @Retry(name = "r12") public int m12(int x) { return x + 1; }
		@CircuitBreaker(name = "cb13") @Retry(name = "r13") public int m13(int x) { return x + 1; }
		@CircuitBreaker(name = "cb14") @Retry(name = "r14") public int m14(int x) { return x + 1; }
		@CircuitBreaker(name = "cb15") @Retry(name = "r15") public int m15(int x) { return x + 1; }
		@CircuitBreaker(name = "cb16") @Retry(name = "r16") public int m16(int x) { return x + 1; }
		@CircuitBreaker(name = "cb17") @Retry(name = "r17") public int m17(int x) { return x + 1; }
		@CircuitBreaker(name = "cb18") @Retry(name = "r18") public int m18(int x) { return x + 1; }
		@CircuitBreaker(name = "cb19") @Retry(name = "r19") public int m19(int x) { return x + 1; }

	}

	public static class Bean1 {

		@CircuitBreaker(name = "cb20") @Retry(name = "r20") public int m20(int x) { return x + 1; }
		@CircuitBreaker(name = "cb21") @Retry(name = "r21") public int m21(int x) { return x + 1; }
		@CircuitBreaker(name = "cb22") @Retry(name = "r22") public int m22(int x) { return x + 1; }
		@CircuitBreaker(name = "cb23") @Retry(name = "r23") public int m23(int x) { return x + 1; }
		@CircuitBreaker(name = "cb24") @Retry(name = "r24") public int m24(int x) { return x + 1; }
		@CircuitBreaker(name = "cb25") @Retry(name = "r25") public int m25(int x) { return x + 1; }
		@CircuitBreaker(name = "cb26") @Retry(name = "r26") public int m26(int x) { return x + 1; }
		@CircuitBreaker(name = "cb27") @Retry(name = "r27") public int m27(int x) { return x + 1; }
		@CircuitBreaker(name = "cb28") @Retry(name = "r28") public int m28(int x) { return x + 1; }
		@CircuitBreaker(name = "cb29") @Retry(name = "r29") public int m29(int x) { return x + 1; }
		@CircuitBreaker(name = "cb30") @Retry(name = "r30") public int m30(int x) { return x + 1; }
		@CircuitBreaker(name = "cb31") @Retry(name = "r31") public int m31(int x) { return x + 1; }
		@CircuitBreaker(name = "cb32") @Retry(name = "r32") public int m32(int x) { return x + 1; }
		@CircuitBreaker(name = "cb33") @Retry(name = "r33") public int m33(int x) { return x + 1; }
		@CircuitBreaker(name = "cb34") @Retry(name = "r34") public int m34(int x) { return x + 1; }
		@CircuitBreaker(name = "cb35") @Retry(name = "r35") public int m35(int x) { return x + 1; }
		@CircuitBreaker(name = "cb36") @Retry(name = "r36") public int m36(int x) { return x + 1; }
		@CircuitBreaker(name = "cb37") @Retry(name = "r37") public int m37(int x) { return x + 1; }
		@CircuitBreaker(name = "cb38") @Retry(name = "r38") public int m38(int x) { return x + 1; }
		@CircuitBreaker(name = "cb39") @Retry(name = "r39") public int m39(int x) { return x + 1; }

	}

	public static class Bean2 {

		@CircuitBreaker(name = "cb40") @Retry(name = "r40") public int m40(int x) { return x + 1; }
		@CircuitBreaker(name = "cb41") @Retry(name = "r41") public int m41(int x) { return x + 1; }
		@CircuitBreaker(name = "cb42") @Retry(name = "r42") public int m42(int x) { return x + 1; }
		@CircuitBreaker(name = "cb43") @Retry(name = "r43") public int m43(int x) { return x + 1; }
		@CircuitBreaker(name = "cb44") @Retry(name = "r44") public int m44(int x) { return x + 1; }
		@CircuitBreaker(name = "cb45") @Retry(name = "r45") public int m45(int x) { return x + 1; }
		@CircuitBreaker(name = "cb46") @Retry(name = "r46") public int m46(int x) { return x + 1; }
		@CircuitBreaker(name = "cb47") @Retry(name = "r47") public int m47(int x) { return x + 1; }
		@CircuitBreaker(name = "cb48") @Retry(name = "r48") public int m48(int x) { return x + 1; }
		@CircuitBreaker(name = "cb49") @Retry(name = "r49") public int m49(int x) { return x + 1; }
		@CircuitBreaker(name = "cb50") @Retry(name = "r50") public int m50(int x) { return x + 1; }
		@CircuitBreaker(name = "cb51") @Retry(name = "r51") public int m51(int x) { return x + 1; }
		@CircuitBreaker(name = "cb52") @Retry(name = "r52") public int m52(int x) { return x + 1; }
		@CircuitBreaker(name = "cb53") @Retry(name = "r53") public int m53(int x) { return x + 1; }
		@CircuitBreaker(name = "cb54") @Retry(name = "r54") public int m54(int x) { return x + 1; }
		@CircuitBreaker(name = "cb55") @Retry(name = "r55") public int m55(int x) { return x + 1; }
		@CircuitBreaker(name = "cb56") @Retry(name = "r56") public int m56(int x) { return x + 1; }
		@CircuitBreaker(name = "cb57") @Retry(name = "r57") public int m57(int x) { return x + 1; }
		@CircuitBreaker(name = "cb58") @Retry(name = "r58") public int m58(int x) { return x + 1; }
		@CircuitBreaker(name = "cb59") @Retry(name = "r59") public int m59(int x) { return x + 1; }

	}

	public static class Bean3 {

		@CircuitBreaker(name = "cb60") @Retry(name = "r60") public int m60(int x) { return x + 1; }
		@CircuitBreaker(name = "cb61") @Retry(name = "r61") public int m61(int x) { return x + 1; }
		@CircuitBreaker(name = "cb62") @Retry(name = "r62") public int m62(int x) { return x + 1; }
		@CircuitBreaker(name = "cb63") @Retry(name = "r63") public int m63(int x) { return x + 1; }
		@CircuitBreaker(name = "cb64") @Retry(name = "r64") public int m64(int x) { return x + 1; }
		@CircuitBreaker(name = "cb65") @Retry(name = "r65") public int m65(int x) { return x + 1; }
		@CircuitBreaker(name = "cb66") @Retry(name = "r66") public int m66(int x) { return x + 1; }
		@CircuitBreaker(name = "cb67") @Retry(name = "r67") public int m67(int x) { return x + 1; }
		@CircuitBreaker(name = "cb68") @Retry(name = "r68") public int m68(int x) { return x + 1; }
		@CircuitBreaker(name = "cb69") @Retry(name = "r69") public int m69(int x) { return x + 1; }
		@CircuitBreaker(name = "cb70") @Retry(name = "r70") public int m70(int x) { return x + 1; }
		@CircuitBreaker(name = "cb71") @Retry(name = "r71") public int m71(int x) { return x + 1; }
		@CircuitBreaker(name = "cb72") @Retry(name = "r72") public int m72(int x) { return x + 1; }
		@CircuitBreaker(name = "cb73") @Retry(name = "r73") public int m73(int x) { return x + 1; }
		@CircuitBreaker(name = "cb74") @Retry(name = "r74") public int m74(int x) { return x + 1; }
		@CircuitBreaker(name = "cb75") @Retry(name = "r75") public int m75(int x) { return x + 1; }
		@CircuitBreaker(name = "cb76") @Retry(name = "r76") public int m76(int x) { return x + 1; }
		@CircuitBreaker(name = "cb77") @Retry(name = "r77") public int m77(int x) { return x + 1; }
		@CircuitBreaker(name = "cb78") @Retry(name = "r78") public int m78(int x) { return x + 1; }
		@CircuitBreaker(name = "cb79") @Retry(name = "r79") public int m79(int x) { return x + 1; }

	}

	public static class Bean4 {

		@CircuitBreaker(name = "cb80") @Retry(name = "r80") public int m80(int x) { return x + 1; }
		@CircuitBreaker(name = "cb81") @Retry(name = "r81") public int m81(int x) { return x + 1; }
		@CircuitBreaker(name = "cb82") @Retry(name = "r82") public int m82(int x) { return x + 1; }
		@CircuitBreaker(name = "cb83") @Retry(name = "r83") public int m83(int x) { return x + 1; }
		@CircuitBreaker(name = "cb84") @Retry(name = "r84") public int m84(int x) { return x + 1; }
		@CircuitBreaker(name = "cb85") @Retry(name = "r85") public int m85(int x) { return x + 1; }
		@CircuitBreaker(name = "cb86") @Retry(name = "r86") public int m86(int x) { return x + 1; }
		@CircuitBreaker(name = "cb87") @Retry(name = "r87") public int m87(int x) { return x + 1; }
		@CircuitBreaker(name = "cb88") @Retry(name = "r88") public int m88(int x) { return x + 1; }
		@CircuitBreaker(name = "cb89") @Retry(name = "r89") public int m89(int x) { return x + 1; }
		@CircuitBreaker(name = "cb90") @Retry(name = "r90") public int m90(int x) { return x + 1; }
		@CircuitBreaker(name = "cb91") @Retry(name = "r91") public int m91(int x) { return x + 1; }
		@CircuitBreaker(name = "cb92") @Retry(name = "r92") public int m92(int x) { return x + 1; }
		@CircuitBreaker(name = "cb93") @Retry(name = "r93") public int m93(int x) { return x + 1; }
		@CircuitBreaker(name = "cb94") @Retry(name = "r94") public int m94(int x) { return x + 1; }
		@CircuitBreaker(name = "cb95") @Retry(name = "r95") public int m95(int x) { return x + 1; }
		@CircuitBreaker(name = "cb96") @Retry(name = "r96") public int m96(int x) { return x + 1; }
		@CircuitBreaker(name = "cb97") @Retry(name = "r97") public int m97(int x) { return x + 1; }
		@CircuitBreaker(name = "cb98") @Retry(name = "r98") public int m98(int x) { return x + 1; }
		@CircuitBreaker(name = "cb99") @Retry(name = "r99") public int m99(int x) { return x + 1; }

	}

	public static class Bean5 {

		@CircuitBreaker(name = "cb100") @Retry(name = "r100") public int m100(int x) { return x + 1; }
		@CircuitBreaker(name = "cb101") @Retry(name = "r101") public int m101(int x) { return x + 1; }
		@CircuitBreaker(name = "cb102") @Retry(name = "r102") public int m102(int x) { return x + 1; }
		@CircuitBreaker(name = "cb103") @Retry(name = "r103") public int m103(int x) { return x + 1; }
		@CircuitBreaker(name = "cb104") @Retry(name = "r104") public int m104(int x) { return x + 1; }
		@CircuitBreaker(name = "cb105") @Retry(name = "r105") public int m105(int x) { return x + 1; }
		@CircuitBreaker(name = "cb106") @Retry(name = "r106") public int m106(int x) { return x + 1; }
		@CircuitBreaker(name = "cb107") @Retry(name = "r107") public int m107(int x) { return x + 1; }
		@CircuitBreaker(name = "cb108") @Retry(name = "r108") public int m108(int x) { return x + 1; }
		@CircuitBreaker(name = "cb109") @Retry(name = "r109") public int m109(int x) { return x + 1; }
		@CircuitBreaker(name = "cb110") @Retry(name = "r110") public int m110(int x) { return x + 1; }
		@CircuitBreaker(name = "cb111") @Retry(name = "r111") public int m111(int x) { return x + 1; }
		@CircuitBreaker(name = "cb112") @Retry(name = "r112") public int m112(int x) { return x + 1; }
		@CircuitBreaker(name = "cb113") @Retry(name = "r113") public int m113(int x) { return x + 1; }
		@CircuitBreaker(name = "cb114") @Retry(name = "r114") public int m114(int x) { return x + 1; }
		@CircuitBreaker(name = "cb115") @Retry(name = "r115") public int m115(int x) { return x + 1; }
		@CircuitBreaker(name = "cb116") @Retry(name = "r116") public int m116(int x) { return x + 1; }
		@CircuitBreaker(name = "cb117") @Retry(name = "r117") public int m117(int x) { return x + 1; }
		@CircuitBreaker(name = "cb118") @Retry(name = "r118") public int m118(int x) { return x + 1; }
		@CircuitBreaker(name = "cb119") @Retry(name = "r119") public int m119(int x) { return x + 1; }

	}

	public static class Bean6 {

		@CircuitBreaker(name = "cb120") @Retry(name = "r120") public int m120(int x) { return x + 1; }
		@CircuitBreaker(name = "cb121") @Retry(name = "r121") public int m121(int x) { return x + 1; }
		@CircuitBreaker(name = "cb122") @Retry(name = "r122") public int m122(int x) { return x + 1; }
		@CircuitBreaker(name = "cb123") @Retry(name = "r123") public int m123(int x) { return x + 1; }
		@CircuitBreaker(name = "cb124") @Retry(name = "r124") public int m124(int x) { return x + 1; }
		@CircuitBreaker(name = "cb125") @Retry(name = "r125") public int m125(int x) { return x + 1; }
		@CircuitBreaker(name = "cb126") @Retry(name = "r126") public int m126(int x) { return x + 1; }
		@CircuitBreaker(name = "cb127") @Retry(name = "r127") public int m127(int x) { return x + 1; }
		@CircuitBreaker(name = "cb128") @Retry(name = "r128") public int m128(int x) { return x + 1; }
		@CircuitBreaker(name = "cb129") @Retry(name = "r129") public int m129(int x) { return x + 1; }
		@CircuitBreaker(name = "cb130") @Retry(name = "r130") public int m130(int x) { return x + 1; }
		@CircuitBreaker(name = "cb131") @Retry(name = "r131") public int m131(int x) { return x + 1; }
		@CircuitBreaker(name = "cb132") @Retry(name = "r132") public int m132(int x) { return x + 1; }
		@CircuitBreaker(name = "cb133") @Retry(name = "r133") public int m133(int x) { return x + 1; }
		@CircuitBreaker(name = "cb134") @Retry(name = "r134") public int m134(int x) { return x + 1; }
		@CircuitBreaker(name = "cb135") @Retry(name = "r135") public int m135(int x) { return x + 1; }
		@CircuitBreaker(name = "cb136") @Retry(name = "r136") public int m136(int x) { return x + 1; }
		@CircuitBreaker(name = "cb137") @Retry(name = "r137") public int m137(int x) { return x + 1; }
		@CircuitBreaker(name = "cb138") @Retry(name = "r138") public int m138(int x) { return x + 1; }
		@CircuitBreaker(name = "cb139") @Retry(name = "r139") public int m139(int x) { return x + 1; }

	}

	public static class Bean7 {

		@CircuitBreaker(name = "cb140") @Retry(name = "r140") public int m140(int x) { return x + 1; }
		@CircuitBreaker(name = "cb141") @Retry(name = "r141") public int m141(int x) { return x + 1; }
		@CircuitBreaker(name = "cb142") @Retry(name = "r142") public int m142(int x) { return x + 1; }
		@CircuitBreaker(name = "cb143") @Retry(name = "r143") public int m143(int x) { return x + 1; }
		@CircuitBreaker(name = "cb144") @Retry(name = "r144") public int m144(int x) { return x + 1; }
		@CircuitBreaker(name = "cb145") @Retry(name = "r145") public int m145(int x) { return x + 1; }
		@CircuitBreaker(name = "cb146") @Retry(name = "r146") public int m146(int x) { return x + 1; }
		@CircuitBreaker(name = "cb147") @Retry(name = "r147") public int m147(int x) { return x + 1; }
		@CircuitBreaker(name = "cb148") @Retry(name = "r148") public int m148(int x) { return x + 1; }
		@CircuitBreaker(name = "cb149") @Retry(name = "r149") public int m149(int x) { return x + 1; }
		@CircuitBreaker(name = "cb150") @Retry(name = "r150") public int m150(int x) { return x + 1; }
		@CircuitBreaker(name = "cb151") @Retry(name = "r151") public int m151(int x) { return x + 1; }
		@CircuitBreaker(name = "cb152") @Retry(name = "r152") public int m152(int x) { return x + 1; }
		@CircuitBreaker(name = "cb153") @Retry(name = "r153") public int m153(int x) { return x + 1; }
		@CircuitBreaker(name = "cb154") @Retry(name = "r154") public int m154(int x) { return x + 1; }
		@CircuitBreaker(name = "cb155") @Retry(name = "r155") public int m155(int x) { return x + 1; }
		@CircuitBreaker(name = "cb156") @Retry(name = "r156") public int m156(int x) { return x + 1; }
		@CircuitBreaker(name = "cb157") @Retry(name = "r157") public int m157(int x) { return x + 1; }
		@CircuitBreaker(name = "cb158") @Retry(name = "r158") public int m158(int x) { return x + 1; }
		@CircuitBreaker(name = "cb159") @Retry(name = "r159") public int m159(int x) { return x + 1; }

	}

	public static class Bean8 {

		@CircuitBreaker(name = "cb160") @Retry(name = "r160") public int m160(int x) { return x + 1; }
		@CircuitBreaker(name = "cb161") @Retry(name = "r161") public int m161(int x) { return x + 1; }
		@CircuitBreaker(name = "cb162") @Retry(name = "r162") public int m162(int x) { return x + 1; }
		@CircuitBreaker(name = "cb163") @Retry(name = "r163") public int m163(int x) { return x + 1; }
		@CircuitBreaker(name = "cb164") @Retry(name = "r164") public int m164(int x) { return x + 1; }
		@CircuitBreaker(name = "cb165") @Retry(name = "r165") public int m165(int x) { return x + 1; }
		@CircuitBreaker(name = "cb166") @Retry(name = "r166") public int m166(int x) { return x + 1; }
		@CircuitBreaker(name = "cb167") @Retry(name = "r167") public int m167(int x) { return x + 1; }
		@CircuitBreaker(name = "cb168") @Retry(name = "r168") public int m168(int x) { return x + 1; }
		@CircuitBreaker(name = "cb169") @Retry(name = "r169") public int m169(int x) { return x + 1; }
		@CircuitBreaker(name = "cb170") @Retry(name = "r170") public int m170(int x) { return x + 1; }
		@CircuitBreaker(name = "cb171") @Retry(name = "r171") public int m171(int x) { return x + 1; }
		@CircuitBreaker(name = "cb172") @Retry(name = "r172") public int m172(int x) { return x + 1; }
		@CircuitBreaker(name = "cb173") @Retry(name = "r173") public int m173(int x) { return x + 1; }
		@CircuitBreaker(name = "cb174") @Retry(name = "r174") public int m174(int x) { return x + 1; }
		@CircuitBreaker(name = "cb175") @Retry(name = "r175") public int m175(int x) { return x + 1; }
		@CircuitBreaker(name = "cb176") @Retry(name = "r176") public int m176(int x) { return x + 1; }
		@CircuitBreaker(name = "cb177") @Retry(name = "r177") public int m177(int x) { return x + 1; }
		@CircuitBreaker(name = "cb178") @Retry(name = "r178") public int m178(int x) { return x + 1; }
		@CircuitBreaker(name = "cb179") @Retry(name = "r179") public int m179(int x) { return x + 1; }

	}

	public static class Bean9 {

		@CircuitBreaker(name = "cb180") @Retry(name = "r180") public int m180(int x) { return x + 1; }
		@CircuitBreaker(name = "cb181") @Retry(name = "r181") public int m181(int x) { return x + 1; }
		@CircuitBreaker(name = "cb182") @Retry(name = "r182") public int m182(int x) { return x + 1; }
		@CircuitBreaker(name = "cb183") @Retry(name = "r183") public int m183(int x) { return x + 1; }
		@CircuitBreaker(name = "cb184") @Retry(name = "r184") public int m184(int x) { return x + 1; }
		@CircuitBreaker(name = "cb185") @Retry(name = "r185") public int m185(int x) { return x + 1; }
		@CircuitBreaker(name = "cb186") @Retry(name = "r186") public int m186(int x) { return x + 1; }
		@CircuitBreaker(name = "cb187") @Retry(name = "r187") public int m187(int x) { return x + 1; }
		@CircuitBreaker(name = "cb188") @Retry(name = "r188") public int m188(int x) { return x + 1; }
		@CircuitBreaker(name = "cb189") @Retry(name = "r189") public int m189(int x) { return x + 1; }
		@CircuitBreaker(name = "cb190") @Retry(name = "r190") public int m190(int x) { return x + 1; }
		@CircuitBreaker(name = "cb191") @Retry(name = "r191") public int m191(int x) { return x + 1; }
		@CircuitBreaker(name = "cb192") @Retry(name = "r192") public int m192(int x) { return x + 1; }
		@CircuitBreaker(name = "cb193") @Retry(name = "r193") public int m193(int x) { return x + 1; }
		@CircuitBreaker(name = "cb194") @Retry(name = "r194") public int m194(int x) { return x + 1; }
		@CircuitBreaker(name = "cb195") @Retry(name = "r195") public int m195(int x) { return x + 1; }
		@CircuitBreaker(name = "cb196") @Retry(name = "r196") public int m196(int x) { return x + 1; }
		@CircuitBreaker(name = "cb197") @Retry(name = "r197") public int m197(int x) { return x + 1; }
		@CircuitBreaker(name = "cb198") @Retry(name = "r198") public int m198(int x) { return x + 1; }
		@CircuitBreaker(name = "cb199") @Retry(name = "r199") public int m199(int x) { return x + 1; }

	}

	// @formatter:on

}
